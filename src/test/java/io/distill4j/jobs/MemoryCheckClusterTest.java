package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.cli.Errors;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.storage.Manifest;
import io.distill4j.util.NativeSetup;
import io.distill4j.util.OffHeapShortfall;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-flight memory check on a real multi-JVM Spark with a {@code spark://} master: a standalone
 * master and worker started by the test (executors in their own JVMs), so the budget is the
 * executor's {@code spark.executor.memoryOverhead} over its concurrent tasks, not this machine's free
 * memory as with local and local-cluster masters. With {@code distill4j.spark.memory-check=fail} and
 * 2 GiB of overhead over 2 tasks, train-teacher (about 2 GiB a task) stops before its teacher
 * directory exists, with one line; with 6 GiB it trains, and cache-teacher (the teacher in ONNX
 * Runtime on the executors) runs too. YARN and Kubernetes, which enforce the overhead, are not
 * available here: what differs there ({@code auto} stops) is {@code OffHeapBudgetTest}'s and
 * {@code OffHeapShortfallTest}'s.
 */
@Tag("cluster")
class MemoryCheckClusterTest {
    private static final Pattern NEED = Pattern.compile("needs about (\\d+\\.\\d) GiB outside");

    @TempDir
    Path tmp;

    private Distill4jConfig config(Path work, Path sample, String master, String overhead, String... extra) {
        List<String> all = new ArrayList<>(List.of(LocalClusterSupport.overrides(
                master,
                Map.of(
                        "spark.cores.max", "2",
                        "spark.executor.cores", "2",
                        "spark.executor.memoryOverhead", overhead))));
        all.add("spark.memory-check=fail");
        all.add("teacher.epochs=1");
        all.addAll(List.of(extra));
        return SparkTestSupport.config(work, sample, all.toArray(String[]::new));
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void tooLittleExecutorOverheadStopsTheStageBeforeItWritesEnoughLetsItRun() throws Exception {
        NativeSetup.init();
        Path sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        Path work = tmp.resolve("work");
        Path sparkHome = tmp.resolve("spark-home");
        LocalClusterSupport.enter(sparkHome);
        try (LocalClusterSupport.Standalone cluster = LocalClusterSupport.standalone(2, 2048)) {
            String master = cluster.master();
            assertTrue(master.startsWith("spark://"), master);

            Distill4jConfig small = config(work, sample, master, "2g");
            SparkSession spark = SparkTestSupport.spark(small);
            try {
                assertEquals(
                        2,
                        spark.sparkContext().statusTracker().getExecutorInfos().length,
                        () -> "driver plus the worker's executor" + LocalClusterSupport.executorLogs(sparkHome));
                new ShardJob(spark, small.dataset(), small.shard()).run();
                List<String> before = files(work);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                OffHeapShortfall e = assertThrows(OffHeapShortfall.class, () -> new TrainTeacherJob(
                                spark, small, new PrintStream(out, true, StandardCharsets.UTF_8))
                        .run());
                String line = Errors.describe(e);
                assertEquals(1, line.lines().count(), line);
                Matcher need = NEED.matcher(line);
                assertTrue(need.find(), line);
                String gib = need.group(1);
                double perTask = Double.parseDouble(gib);
                assertTrue(perTask > 1.0 && perTask < 3.0, line);
                String prefix = "train-teacher needs about " + gib + " GiB outside the Java heap per task (training, "
                        + "batch 4 at 32x64, docs/performance.md section 15) but has 1.0 GiB: "
                        + "spark.executor.memoryOverhead = 2.0 GiB shared by 2 tasks at once per executor "
                        + "(spark.executor.cores / spark.task.cpus); " + master + " does not enforce it; "
                        + "raise distill4j.spark.conf.\"spark.executor.memoryOverhead\" to at least ";
                String suffix = " GiB (2 tasks x " + gib + " GiB), or lower distill4j.train.batch-size-per-worker, "
                        + "or set distill4j.spark.memory-check=warn to run anyway";
                assertTrue(line.startsWith(prefix) && line.endsWith(suffix), line);
                double raise = Double.parseDouble(line.substring(prefix.length(), line.length() - suffix.length()));
                assertEquals(2 * perTask, raise, 0.11, line);
                assertEquals(before, files(work), "nothing written: no teacher directory, no lock");
                assertFalse(Files.exists(work.resolve("teacher")));
                assertFalse(Files.exists(work.resolve(".teacher.lock")));
            } finally {
                spark.stop();
            }

            // A new application: the overhead is read when the session starts.
            Distill4jConfig enough = config(work, sample, master, "6g");
            SparkSession second = SparkTestSupport.spark(enough);
            try {
                PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
                new TrainTeacherJob(second, enough, quiet).run();
                assertTrue(Files.isRegularFile(work.resolve("teacher/teacher.zip")));
                CacheTeacherJob.Result cached = new CacheTeacherJob(second, enough, quiet).run();
                assertEquals(8L, cached.rows().get("train"));
                assertEquals(
                        "onnx-runtime",
                        Manifest.read(
                                        org.apache.hadoop.fs.FileSystem.getLocal(
                                                new org.apache.hadoop.conf.Configuration()),
                                        new org.apache.hadoop.fs.Path(cached.dir()))
                                .path("engine")
                                .asText(),
                        "the executors ran the teacher in ONNX Runtime");
            } finally {
                second.stop();
            }
        } finally {
            LocalClusterSupport.leave();
        }
    }
}
