package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import io.distill4j.train.RunDirectory;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stages' shared plumbing: the caller's job group comes back, and a complete run is refused or cleared. */
class StageRunTest {
    static JavaSparkContext sc;
    static final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    java.nio.file.Path tmp;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(
                new SparkConf().setMaster("local[1]").setAppName("StageRunTest").set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) sc.stop();
    }

    @Test
    void theCallersJobGroupIsRestored() {
        sc.setJobGroup("PIPELINE", "the whole pipeline", true);
        try (StageRun stage = StageRun.of(sc, "test", quiet)) {
            stage.jobGroup("DISTILL", "DISTILL run-1");
            assertEquals("DISTILL", sc.getLocalProperty(StageRun.GROUP_ID));
            assertEquals(1, sc.parallelize(java.util.List.of(1)).count());
        }
        assertEquals("PIPELINE", sc.getLocalProperty(StageRun.GROUP_ID));
        assertEquals("the whole pipeline", sc.getLocalProperty(StageRun.GROUP_DESCRIPTION));
        assertEquals("true", sc.getLocalProperty(StageRun.GROUP_INTERRUPT));
        sc.clearJobGroup();
    }

    @Test
    void noGroupBeforeMeansNoneAfterEvenWhenTheStageFails() {
        sc.clearJobGroup();
        assertThrows(IllegalStateException.class, () -> {
            try (StageRun stage = StageRun.of(sc, "test", quiet)) {
                stage.jobGroup("CACHE-TEACHER", "CACHE-TEACHER train");
                throw new IllegalStateException("stage failed");
            }
        });
        assertNull(sc.getLocalProperty(StageRun.GROUP_ID));
        assertNull(sc.getLocalProperty(StageRun.GROUP_DESCRIPTION));
    }

    @Test
    void aCompleteRunIsRefusedWithoutOverwriteAndClearedWithIt() throws Exception {
        Path dir = new Path(tmp.resolve("run").toUri());
        try (StageRun stage = StageRun.of(sc, "test", quiet)) {
            FileSystem fs = stage.fs(dir);
            RunDirectory run = stage.claimRun(fs, dir, "test.key", false, "unused");
            assertFalse(run.isComplete());
            run.writeText("config.conf", "{}");
            StageRun.commit(run, JsonNodeFactory.instance.objectNode().put("stage", "test"));
            assertTrue(Manifest.exists(fs, dir));
        }
        try (StageRun stage = StageRun.of(sc, "test", quiet)) {
            FileSystem fs = stage.fs(dir);
            StageOutputException e = assertThrows(
                    StageOutputException.class, () -> stage.claimRun(fs, dir, "test.key", false, "run is complete"));
            assertEquals("run is complete", e.getMessage());
        }
        try (StageRun stage = StageRun.of(sc, "test", quiet)) {
            FileSystem fs = stage.fs(dir);
            RunDirectory run = stage.claimRun(fs, dir, "test.key", true, "unused");
            assertFalse(run.isComplete());
            assertFalse(Manifest.exists(fs, dir));
            assertFalse(Files.exists(tmp.resolve("run").resolve("config.conf")));
        }
    }

    @Test
    void anAtomicOutputIsRenamedIntoPlaceOnCommitAndItsTempRemovedWhenTheRunEndsWithout() throws Exception {
        Path target = new Path(tmp.resolve("out").toUri());
        assertThrows(IllegalStateException.class, () -> {
            try (StageRun stage = StageRun.of(sc, "test", quiet)) {
                stage.begin(stage.fs(target), target, false, "test.key");
                throw new IllegalStateException("stage failed");
            }
        });
        try (var left = Files.list(tmp)) {
            assertEquals(
                    java.util.List.of(),
                    left.map(p -> p.getFileName().toString())
                            .filter(n -> n.contains("out"))
                            .toList(),
                    "no temporary sibling, no lock, no output");
        }
        try (StageRun stage = StageRun.of(sc, "test", quiet)) {
            FileSystem fs = stage.fs(target);
            io.distill4j.storage.AtomicOutput output = stage.begin(fs, target, false, "test.key");
            Files.writeString(java.nio.file.Path.of(output.tempDir().toUri()).resolve("part-0"), "rows");
            StageRun.commit(output, JsonNodeFactory.instance.objectNode().put("stage", "test"));
        }
        assertTrue(Files.exists(tmp.resolve("out").resolve("part-0")), "committed, and kept when the run closes");
        assertTrue(Manifest.exists(FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()), target));
        try (StageRun stage = StageRun.of(sc, "test", quiet)) {
            FileSystem fs = stage.fs(target);
            StageOutputException e =
                    assertThrows(StageOutputException.class, () -> stage.begin(fs, target, false, "test.key"));
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        }
    }
}
