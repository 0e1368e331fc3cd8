package io.distill4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one line of a stage that cannot fit, and when it stops the stage. */
class OffHeapShortfallTest {
    private static final long GIB = 1L << 30;

    @Test
    void aStageThatDoesNotFitGetsOneLineNamingTheStageTheFiguresAndTheKeys() {
        OffHeapBudget budget = OffHeapBudget.of("yarn", Map.of("spark.executor.memory", "4g"), 0, 0, 2);
        String line = OffHeapShortfall.of(
                        "train-teacher",
                        (long) (14.3 * GIB),
                        budget,
                        "training, batch 8 at 512x1024",
                        "distill4j.train.batch-size-per-worker")
                .orElseThrow()
                .getMessage();
        assertEquals(
                "train-teacher needs about 14.3 GiB outside the Java heap per task (training, batch 8 at 512x1024, "
                        + "docs/performance.md section 15) but has 410 MiB: spark.executor.memoryOverhead unset, so "
                        + "Spark's default 410 MiB (max(384 MiB, 10 % of spark.executor.memory 4.0 GiB)) shared by 1 "
                        + "task at once per executor (spark.executor.cores / spark.task.cpus); raise "
                        + "distill4j.spark.conf.\"spark.executor.memoryOverhead\" to at least 14.3 GiB, or lower "
                        + "distill4j.train.batch-size-per-worker, or set distill4j.spark.memory-check=warn to run anyway",
                line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void aStageThatFitsHasNone() {
        OffHeapBudget budget = OffHeapBudget.of("yarn", Map.of("spark.executor.memoryOverhead", "8g"), 0, 0, 2);
        assertTrue(OffHeapShortfall.of("distill", 8 * GIB, budget, "w", "k").isEmpty());
        assertTrue(OffHeapShortfall.of("distill", 8 * GIB + 1, budget, "w", "k").isPresent());
    }

    @Test
    void autoStopsWhereTheOverheadIsEnforcedAndOnlyWarnsElsewhere() {
        assertTrue(MemoryCheck.AUTO.stops(true));
        assertFalse(MemoryCheck.AUTO.stops(false));
        assertTrue(MemoryCheck.FAIL.stops(true));
        assertTrue(MemoryCheck.FAIL.stops(false));
        assertFalse(MemoryCheck.WARN.stops(true));
        assertFalse(MemoryCheck.OFF.stops(true));
    }
}
