package io.distill4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What a task has outside the heap, from Spark settings as a SparkConf holds them. */
class OffHeapBudgetTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private static OffHeapBudget cluster(Map<String, String> spark) {
        return OffHeapBudget.of("yarn", spark, 0, 0, 2);
    }

    @Test
    void onAClusterTheOverheadIsSharedByTheTasksThatRunAtOnceOnAnExecutor() {
        OffHeapBudget b = cluster(
                Map.of("spark.executor.memoryOverhead", "14g", "spark.executor.cores", "4", "spark.task.cpus", "2"));
        assertTrue(b.enforced());
        assertFalse(b.local());
        assertEquals(2, b.tasks());
        assertEquals(7 * GIB, b.bytesPerTask());
        assertTrue(b.source().startsWith("spark.executor.memoryOverhead = 14.0 GiB shared by 2 tasks"), b.source());
        assertEquals(
                "raise distill4j.spark.conf.\"spark.executor.memoryOverhead\" to at least 16.0 GiB (2 tasks x 8.0 GiB)",
                b.raise(8 * GIB));
        // Spark's unit for a bare number is MiB; one task when executor cores are unset
        OffHeapBudget bare = cluster(Map.of("spark.executor.memoryOverhead", "2048"));
        assertEquals(2 * GIB, bare.bytesPerTask());
        assertEquals(1, bare.tasks());
        assertEquals(
                "raise distill4j.spark.conf.\"spark.executor.memoryOverhead\" to at least 3.0 GiB",
                bare.raise(3 * GIB));
    }

    @Test
    void yarnAndKubernetesEnforceTheOverheadAStandaloneMasterDoesNot() {
        Map<String, String> spark = Map.of("spark.executor.memoryOverhead", "4g");
        assertTrue(OffHeapBudget.of("yarn", spark, 0, 0, 2).enforced());
        assertTrue(
                OffHeapBudget.of("k8s://https://10.0.0.1:6443", spark, 0, 0, 2).enforced());
        OffHeapBudget standalone = OffHeapBudget.of("spark://10.0.0.1:7077", spark, 0, 0, 2);
        assertFalse(standalone.enforced());
        assertFalse(standalone.local());
        assertEquals(4 * GIB, standalone.bytesPerTask());
        assertTrue(standalone.source().endsWith("; spark://10.0.0.1:7077 does not enforce it"), standalone.source());
    }

    @Test
    void unsetTheOverheadIsSparksDefaultTenPercentOfTheExecutorMemoryAtLeast384MiB() {
        OffHeapBudget eight = cluster(Map.of("spark.executor.memory", "8g"));
        assertEquals((long) (0.10 * 8 * GIB), eight.bytesPerTask());
        assertTrue(
                eight.source().startsWith("spark.executor.memoryOverhead unset, so Spark's default 819 MiB"),
                eight.source());
        assertEquals(384 * MIB, cluster(Map.of()).bytesPerTask(), "1g executors: the 384 MiB floor");
        assertEquals(
                384 * MIB, cluster(Map.of("spark.executor.memory", "2048m")).bytesPerTask());
        assertEquals(
                (long) (0.25 * 8 * GIB),
                cluster(Map.of("spark.executor.memory", "8g", "spark.executor.memoryOverheadFactor", "0.25"))
                        .bytesPerTask());
    }

    @Test
    void aLocalMasterSharesTheMachinesAvailableMemoryLessTheHeapTheDriverMayStillTouch() {
        OffHeapBudget two = OffHeapBudget.of("local[2]", Map.of(), 20 * GIB, 4 * GIB, 8);
        assertTrue(two.local());
        assertFalse(two.enforced());
        assertEquals(8 * GIB, two.bytesPerTask());
        assertTrue(two.source().contains("MemAvailable 20.0 GiB less the driver heap's unused 4.0 GiB"), two.source());
        assertTrue(two.raise(GIB).contains("distill4j.spark.master"), two.raise(GIB));
        assertEquals(
                16 * GIB,
                OffHeapBudget.of("local", Map.of(), 20 * GIB, 4 * GIB, 8).bytesPerTask());
        assertEquals(
                2 * GIB,
                OffHeapBudget.of("local[*]", Map.of(), 20 * GIB, 4 * GIB, 8).bytesPerTask());
        assertEquals(
                8 * GIB,
                OffHeapBudget.of("local[4,3]", Map.of("spark.task.cpus", "2"), 20 * GIB, 4 * GIB, 8)
                        .bytesPerTask());
        // local-cluster: the executors' heaps (2 x 2048 MiB) may still grow too; 2 executors x 1 core
        assertEquals(
                6 * GIB,
                OffHeapBudget.of("local-cluster[2,1,2048]", Map.of(), 20 * GIB, 4 * GIB, 8)
                        .bytesPerTask());
        assertEquals(0, OffHeapBudget.of("local[2]", Map.of(), GIB, 4 * GIB, 8).bytesPerTask(), "never negative");
    }

    @Test
    void aBadSparkSettingIsRefusedNamingIt() {
        for (Map<String, String> bad : List.of(
                Map.of("spark.executor.memoryOverhead", "lots"),
                Map.of("spark.executor.memory", "-1g"),
                Map.of("spark.executor.cores", "0"),
                Map.of("spark.executor.memoryOverheadFactor", "x"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cluster(bad));
            assertTrue(e.getMessage().startsWith(bad.keySet().iterator().next() + ": "), e.getMessage());
        }
    }

    @Test
    void memAvailableIsReadFromProcMeminfoInKibibytes() {
        assertEquals(
                OptionalLong.of(23_517_856L * 1024),
                OffHeapBudget.memAvailable(List.of(
                        "MemTotal:       32768000 kB", "MemFree:         1000000 kB", "MemAvailable:   23517856 kB")));
        assertEquals(OptionalLong.empty(), OffHeapBudget.memAvailable(List.of("MemTotal:       32768000 kB")));
    }
}
