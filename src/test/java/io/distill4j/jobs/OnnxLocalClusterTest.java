package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.onnx.OnnxSessions;
import io.distill4j.storage.Manifest;
import io.distill4j.util.NativeSetup;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX teacher with every executor in its own JVM ({@code local-cluster[2,1,2048]}): shard ->
 * cache-teacher -> distill (cached and online) -> evaluate, so the ONNX spec, the broadcast file
 * and ONNX Runtime's natives must reach executors that never ran anything on the driver, and each
 * executor JVM keeps one session for the teacher.
 */
@Tag("cluster")
class OnnxLocalClusterTest {
    static final java.nio.file.Path ONNX =
            java.nio.file.Path.of("src/test/resources/onnx").toAbsolutePath();

    @TempDir
    static java.nio.file.Path tmp;

    static java.nio.file.Path sample;
    static java.nio.file.Path work;
    static java.nio.file.Path sparkHome;
    static final PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());

    @BeforeAll
    static void prepare() throws Exception {
        NativeSetup.init();
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        sparkHome = tmp.resolve("spark-home");
        LocalClusterSupport.enter(sparkHome);
    }

    @AfterAll
    static void leave() {
        LocalClusterSupport.leave();
    }

    static Distill4jConfig config(String... extra) {
        List<String> all = new ArrayList<>(List.of(LocalClusterSupport.overrides()));
        all.add("teacher.onnx.path=\"" + ONNX.resolve("seg_teacher.onnx") + "\"");
        all.add("teacher.onnx.preprocessing=\"bgr;nchw;scale=1;mean=103.53,116.28,123.675;std=57.375,57.12,58.395\"");
        all.add("teacher.onnx.outputs=[{onnx=seg_out, name=logits, stride=4}, {onnx=feat, name=neck, stride=4}]");
        all.add("cache.outputs=[{name=logits, codec=fp16}, {name=neck, codec=int8}]");
        all.addAll(List.of(extra));
        return SparkTestSupport.config(work, sample, all.toArray(String[]::new));
    }

    @Test
    void onnxTeacherChainRunsInExecutorJvms() throws Exception {
        Distill4jConfig c = config();
        SparkSession spark = SparkTestSupport.spark(c);
        try {
            assertEquals(
                    LocalClusterSupport.EXECUTORS + 1,
                    spark.sparkContext().statusTracker().getExecutorInfos().length,
                    () -> "driver plus every executor registered" + LocalClusterSupport.executorLogs(sparkHome));
            new ShardJob(spark, c.dataset(), c.shard()).run();
            CacheTeacherJob.Result r =
                    LocalClusterTest.timed("cache-teacher (ONNX)", () -> new CacheTeacherJob(spark, c, quiet).run());
            assertEquals(16L, r.rows().get("train"), "8 samples x 2 outputs");
            assertEquals(
                    "onnx-runtime",
                    Manifest.read(FileSystem.getLocal(new Configuration()), new Path(r.dir()))
                            .path("engine")
                            .asText());

            // Which JVMs hold a session for the teacher: executors only, never the driver here.
            String fp = r.fingerprint();
            long driver = ProcessHandle.current().pid();
            List<String> holders = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(IntStream.range(0, 8).boxed().toList(), 8)
                    .map(i -> ProcessHandle.current().pid() + "=" + OnnxSessions.isOpen(fp))
                    .collect();
            Set<String> distinct = new TreeSet<>(holders);
            System.out.println("[local-cluster] ONNX sessions per executor JVM: " + distinct);
            assertFalse(OnnxSessions.isOpen(fp), "the driver ran no task");
            assertTrue(
                    distinct.stream().noneMatch(h -> h.startsWith(driver + "=")),
                    "a task ran in the driver: " + distinct);
            assertTrue(
                    distinct.stream().anyMatch(h -> h.endsWith("=true")), "no executor kept its session: " + distinct);

            Distill4jConfig kd = config(
                    "distill.run-id=kd",
                    "train.epochs=1",
                    "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2},"
                            + "{kind=cwd, student-tap=neck, teacher-output=neck, weight=1, tau=2}]");
            assertEquals(
                    8,
                    LocalClusterTest.timed(
                                    "distill cached (1 epoch)", () -> new DistillJob(spark, kd, false, quiet).run())
                            .examples());
            Distill4jConfig online = config(
                    "distill.run-id=online",
                    "train.epochs=1",
                    "distill.teacher-mode=online",
                    "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2}]");
            assertEquals(
                    8,
                    LocalClusterTest.timed(
                                    "distill online (1 epoch)", () -> new DistillJob(spark, online, false, quiet).run())
                            .examples());
            JsonNode last = new ObjectMapper()
                    .readTree(Files.readAllLines(work.resolve("runs/online/metrics.jsonl")).stream()
                            .filter(l -> l.contains("\"kind\":\"epoch\""))
                            .reduce((a, b) -> b)
                            .orElseThrow());
            double kdTerm = last.path("terms").path("pixel-kd@logits").asDouble(Double.NaN);
            assertTrue(Double.isFinite(kdTerm) && kdTerm > 0, last.toString());

            EvaluateJob.Evaluated t = LocalClusterTest.timed(
                    "evaluate ONNX teacher", () -> new EvaluateJob(spark, c, quiet).evaluateTeacher());
            assertTrue(Double.isFinite(t.metrics().pixelAccuracy()));
            assertTrue(Files.isRegularFile(work.resolve("teacher/report/metrics.json")));
        } finally {
            spark.stop();
        }
    }
}
