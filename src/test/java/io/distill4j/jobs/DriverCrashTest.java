package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.util.NativeSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver dies (SIGKILL, as when its node is lost) and the user runs the same command again.
 * Each driver is {@code io.distill4j.cli.Main} in a child JVM on the embedded {@code local[2]}
 * Spark, started from the project's class path exactly as {@code jobs/distill4j} starts it; the
 * fault hook {@code distill4j-fault.<stage>.hold} holds one task so that the kill lands while the
 * stage provably runs: cache-teacher after one of its two cache files is committed, distill in
 * epoch 2 after epoch 1's checkpoint.
 */
@Tag("faults")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DriverCrashTest {
    @TempDir
    static Path tmp;

    static Path sample;
    static Path work;
    static int runs;

    @BeforeAll
    static void shardAndTeacher() throws Exception {
        NativeSetup.init();
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        try (ChildJvm shard = driver(List.of(), "shard")) {
            shard.awaitSuccess(240);
        }
        FaultTestSupport.writeUntrainedTeacher(SparkTestSupport.config(work, sample), 32, 64, 0);
    }

    /** {@code java ... io.distill4j.cli.Main SUBCOMMAND <test settings> extra...} with extra JVM properties. */
    static ChildJvm driver(List<String> properties, String subcommand, String... extra) {
        return new CliJvm(work, sample, tmp.resolve("logs"))
                .start(subcommand + "-" + (++runs), properties, Map.of(), subcommand, extra);
    }

    static Path cacheDir() throws Exception {
        try (Stream<Path> s = Files.list(work.resolve("teacher-cache"))) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    static long committedCacheFiles(Path split) {
        if (!Files.isDirectory(split)) return 0;
        try (Stream<Path> s = Files.list(split)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @Test
    @Order(1)
    void cacheTeacherRerunAfterDriverKillSkipsCommittedFilesAndCachesEverySampleOnce() throws Exception {
        Path hold = tmp.resolve("hold-cache");
        try (ChildJvm first = driver(List.of("distill4j-fault.cache-teacher.hold=" + hold), "cache-teacher")) {
            long holder = FaultTestSupport.awaitHold(first, hold, "cache-teacher", 240);
            assertEquals(first.process().pid(), holder, "on local[2] the task runs in the driver JVM");
            first.awaitCondition("the other shard file's cache file", 60, () -> {
                try {
                    return Files.isDirectory(work.resolve("teacher-cache"))
                            && committedCacheFiles(cacheDir().resolve("train")) == 1;
                } catch (Exception e) {
                    return false;
                }
            });
            FaultTestSupport.killHard(first.process().pid());
        }
        Path cache = cacheDir();
        assertFalse(Files.exists(cache.resolve("_manifest.json")), "a killed cache-teacher must not look complete");

        try (ChildJvm rerun = driver(List.of(), "cache-teacher")) {
            assertEquals(0, rerun.await(240), "cache-teacher rerun failed" + rerun.tail());
            assertTrue(
                    rerun.log().contains("train: 1 shard files cached (1 already done)"),
                    "the rerun redid finished work" + rerun.tail());
        }
        assertTrue(Files.isRegularFile(cache.resolve("_manifest.json")));
        FaultTestSupport.assertCachedExactlyOnce(
                cache.resolve("train"), FaultTestSupport.sampleIds(work.resolve("shards"), "train"), List.of("logits"));
    }

    @Test
    @Order(2)
    void distillRerunAfterDriverKillResumesFromTheLastCheckpoint() throws Exception {
        Path hold = tmp.resolve("hold-distill");
        Path run = work.resolve("runs/kd");
        try (ChildJvm first = driver(
                List.of("distill4j-fault.distill.hold=" + hold, "distill4j-fault.distill.hold.item=epoch-2"),
                "distill",
                "train.epochs=3")) {
            FaultTestSupport.awaitHold(first, hold, "distill", 240);
            assertTrue(
                    Files.isRegularFile(run.resolve("checkpoints/epoch-0001.zip")),
                    "epoch 1 not checkpointed" + first.tail());
            FaultTestSupport.killHard(first.process().pid());
        }
        assertFalse(Files.exists(run.resolve("_manifest.json")), "a killed run must not look complete");
        assertFalse(Files.exists(run.resolve("student.zip")));

        try (ChildJvm rerun = driver(List.of(), "distill", "train.epochs=3")) {
            assertEquals(0, rerun.await(240), "distill rerun failed" + rerun.tail());
            String log = rerun.log();
            assertTrue(
                    log.contains("(epoch 1 of 3 done)"),
                    "the rerun did not resume from epoch 1's checkpoint" + rerun.tail());
            assertFalse(log.contains("epoch 1/3"), "the rerun trained epoch 1 again" + rerun.tail());
            assertTrue(log.contains("epoch 2/3") && log.contains("epoch 3/3"), rerun.tail());
        }
        assertTrue(Files.isRegularFile(run.resolve("_manifest.json")));
        assertTrue(Files.isRegularFile(run.resolve("student.zip")));
        List<Integer> epochs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            if (n.path("kind").asText().equals("epoch"))
                epochs.add(n.path("epoch").asInt());
        }
        assertEquals(List.of(1, 2, 3), epochs, "metrics.jsonl: one summary line per epoch across both drivers");
    }

    @Test
    @Order(3)
    void shardRedoesAnOutputDirectoryLeftWithoutManifest() throws Exception {
        // What an interrupted commit on object storage leaves: distill4j's marker and files, but no
        // _manifest.json (a directory without the marker is a user's and is refused: OutputSafetyCliTest).
        Path shards = tmp.resolve("shards-interrupted");
        Files.createDirectories(shards.resolve("train"));
        io.distill4j.storage.OutputMarker.write(
                FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(shards.toUri()),
                io.distill4j.storage.StageRun.start("shard"));
        Files.writeString(shards.resolve("train/part-00007.parquet"), "half a file");
        try (ChildJvm shard = driver(List.of(), "shard", "shard.output=\"" + shards + "\"")) {
            assertEquals(0, shard.await(240), "shard over an incomplete output failed" + shard.tail());
        }
        assertFalse(
                Files.exists(shards.resolve("train/part-00007.parquet")),
                "the incomplete output's stale file survived");
        JsonNode m =
                new ObjectMapper().readTree(shards.resolve("_manifest.json").toFile());
        assertEquals(8, m.path("count").path("train").asLong(), m.toString());
        assertEquals(
                FaultTestSupport.sampleIds(work.resolve("shards"), "train"),
                FaultTestSupport.sampleIds(shards, "train"));
    }
}
