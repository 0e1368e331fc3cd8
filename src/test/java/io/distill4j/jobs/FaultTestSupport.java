package io.distill4j.jobs;

import io.distill4j.cache.ModelFiles;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.storage.ShardFiles;
import io.distill4j.train.Networks;
import io.distill4j.train.SegmentationObjective;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Shared pieces of the fault tests: a teacher without training, output fingerprints, kills. */
final class FaultTestSupport {
    private FaultTestSupport() {}

    /**
     * Writes a freshly initialised teacher where train-teacher would put it: cache-teacher and
     * distill only need a teacher, not a good one, and this saves a training run per test class.
     * A non-zero {@code shift} added to every parameter makes another teacher (another fingerprint).
     */
    static void writeUntrainedTeacher(Distill4jConfig c, int height, int width, double shift) throws IOException {
        var bp = Networks.teacher(c, height, width);
        var conf = SegmentationObjective.of(bp, Map.of(), List.of()).configuration();
        ComputationGraph teacher = new ComputationGraph(conf);
        teacher.init();
        if (shift != 0) teacher.params().addi(shift);
        Path file = new Path(new Path(c.teacher().dir()), TrainTeacherJob.MODEL_FILE);
        ModelFiles.write(FileSystem.getLocal(new Configuration()), file, teacher, false);
    }

    /**
     * What the CLI fault tests start from: the sample sharded into {@code work}, an untrained teacher
     * and its teacher cache, each committed through the in-process command line ({@link CliRun}).
     */
    static void commitThroughCli(java.nio.file.Path work, java.nio.file.Path sample) throws IOException {
        CliRun shard = CliRun.of(work, sample, "shard");
        org.junit.jupiter.api.Assertions.assertEquals(0, shard.code(), shard.err());
        writeUntrainedTeacher(SparkTestSupport.config(work, sample), 32, 64, 0);
        CliRun cache = CliRun.of(work, sample, "cache-teacher");
        org.junit.jupiter.api.Assertions.assertEquals(0, cache.code(), cache.err());
    }

    /** Every file under {@code dir} with its size, modification time and content hash: equal maps mean untouched. */
    static Map<String, String> fingerprintTree(java.nio.file.Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            for (java.nio.file.Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                m.put(
                        dir.relativize(f).toString(),
                        bytes.length + " bytes, mtime "
                                + Files.getLastModifiedTime(f).toMillis() + ", hash "
                                + java.util.Arrays.hashCode(bytes));
            }
        }
        return m;
    }

    /** The {@code sample_id}s of every shard file of a split. */
    static Set<String> sampleIds(java.nio.file.Path shards, String split) {
        Set<String> ids = new HashSet<>();
        Configuration conf = new Configuration();
        FileSystem fs;
        try {
            fs = FileSystem.getLocal(conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path f : ShardFiles.list(fs, new Path(shards.toUri()), split)) {
            ShardFiles.read(conf, f).forEach(r -> ids.add(r.sampleId()));
        }
        return ids;
    }

    /** {@code sample_id/output} of every row of every committed cache file in a split directory, duplicates kept. */
    static List<String> cachedKeys(java.nio.file.Path splitDir) throws IOException {
        List<String> keys = new java.util.ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(splitDir)) {
            for (java.nio.file.Path f : files.filter(
                            p -> p.getFileName().toString().startsWith("part-"))
                    .sorted()
                    .toList()) {
                io.distill4j.cache.CacheParquet.read(new Configuration(), new Path(f.toUri()))
                        .forEach(r -> keys.add(r.sampleId() + "/" + r.output()));
            }
        }
        return keys;
    }

    /** Asserts that every training sample is cached exactly once for every output. */
    static void assertCachedExactlyOnce(java.nio.file.Path splitDir, Set<String> sampleIds, List<String> outputs)
            throws IOException {
        List<String> keys = cachedKeys(splitDir);
        Set<String> expected = new java.util.TreeSet<>();
        for (String id : sampleIds) for (String o : outputs) expected.add(id + "/" + o);
        org.junit.jupiter.api.Assertions.assertEquals(
                expected.size(), keys.size(), "rows in " + splitDir + ": " + keys);
        org.junit.jupiter.api.Assertions.assertEquals(expected, new java.util.TreeSet<>(keys), "rows in " + splitDir);
    }

    /**
     * Waits for the hold marker of a stage ({@code FaultInjection.maybeHold}) and returns the
     * process id the holding task wrote in it.
     */
    static long awaitHold(ChildJvm driver, java.nio.file.Path holdDir, String stage, long seconds)
            throws InterruptedException {
        java.nio.file.Path[] found = new java.nio.file.Path[1];
        driver.awaitCondition(stage + " task holding (marker in " + holdDir + ")", seconds, () -> {
            try (Stream<java.nio.file.Path> s = Files.exists(holdDir) ? Files.list(holdDir) : Stream.empty()) {
                found[0] = s.filter(p -> p.getFileName().toString().startsWith(stage + "-")
                                && p.getFileName().toString().endsWith(".held"))
                        .findFirst()
                        .orElse(null);
                return found[0] != null;
            } catch (IOException e) {
                return false;
            }
        });
        try {
            return Long.parseLong(
                    Files.readString(found[0], StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills a process the way the OOM killer or a lost node does: no shutdown hooks. */
    static void killHard(long pid) throws InterruptedException {
        ProcessHandle p =
                ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("process " + pid + " is already gone"));
        p.destroyForcibly();
        p.onExit().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
    }
}
