package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.cli.Errors;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.util.OffHeapEstimate;
import io.distill4j.util.OffHeapShortfall;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * distill4j.spark.memory-check on a real local Spark stage: train-teacher with the bench's teacher
 * (width 64, depth 3) at batch 4096 per worker needs far more outside the heap than any machine
 * running this test has, so with {@code fail} it stops before writing anything, with one line; with
 * {@code warn} it prints that line and trains (the 8 sample images fit easily); with {@code off} it
 * trains without a word.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MemoryPreflightTest {
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample()
            .with(
                    "shard.height=64",
                    "shard.width=128",
                    "model.teacher.width=64",
                    "model.teacher.depth=3",
                    "teacher.epochs=1",
                    "teacher.overwrite=true",
                    "train.batch-size-per-worker=4096")
            .sharded();

    /** The class's settings with {@code spark.memory-check=check}, then {@code more}. */
    static String[] settings(String check, String... more) {
        List<String> all = new ArrayList<>(List.of("spark.memory-check=" + check));
        all.addAll(List.of(more));
        return job.settings(all.toArray(String[]::new));
    }

    static Distill4jConfig config(String check, String... more) {
        return SparkTestSupport.config(job.work(), job.sample(), settings(check, more));
    }

    /** Every path under the work directory, to show a refused stage left it as it was. */
    static List<String> files() throws Exception {
        try (Stream<java.nio.file.Path> s = Files.walk(job.work())) {
            return s.map(p -> job.work().relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    @Order(1)
    void failStopsTheStageBeforeItWritesAnythingWithOneLine() throws Exception {
        List<String> before = files();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OffHeapShortfall e = assertThrows(OffHeapShortfall.class, () -> new TrainTeacherJob(
                        job.spark(), config("fail"), new PrintStream(out, true, StandardCharsets.UTF_8))
                .run());
        String line = Errors.describe(e);
        assertEquals(e.getMessage(), line);
        assertEquals(1, line.lines().count());
        assertTrue(line.startsWith("train-teacher needs about "), line);
        assertTrue(line.contains(" outside the Java heap per task (training, batch 4096 at 64x128"), line);
        assertTrue(line.contains("this machine's MemAvailable "), line);
        assertTrue(line.contains("(local[2])"), line);
        assertTrue(line.contains("or lower distill4j.train.batch-size-per-worker"), line);
        assertTrue(line.endsWith("or set distill4j.spark.memory-check=warn to run anyway"), line);
        assertEquals(before, files(), "nothing written, not even the teacher directory's lock");
        assertFalse(Files.exists(job.work().resolve("teacher")));
    }

    @Test
    @Order(2)
    void warnPrintsTheLineAndTrains() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TrainTeacherJob(job.spark(), config("warn"), new PrintStream(out, true, StandardCharsets.UTF_8)).run();
        String console = out.toString(StandardCharsets.UTF_8);
        assertTrue(
                console.lines().anyMatch(l -> l.startsWith("[train-teacher] warning: train-teacher needs about ")),
                console);
        assertTrue(Files.isRegularFile(job.work().resolve("teacher/teacher.zip")));
    }

    @Test
    @Order(3)
    void offTrainsWithoutAWord() throws Exception {
        Files.delete(job.work().resolve("teacher/teacher.zip"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TrainTeacherJob(job.spark(), config("off"), new PrintStream(out, true, StandardCharsets.UTF_8)).run();
        String console = out.toString(StandardCharsets.UTF_8);
        assertFalse(console.contains("needs about"), console);
        assertTrue(Files.isRegularFile(job.work().resolve("teacher/teacher.zip")));
    }

    /**
     * The inference stages, on the teacher trained above: cache-teacher and evaluate at batch 4096 with
     * inference.engine = dl4j (DL4J's inference figure of the teacher at that batch exceeds any machine;
     * ONNX Runtime's is far smaller, about 13 GiB, so with the default engine a large machine would fit it).
     */
    @Test
    @Order(4)
    void cacheTeacherAndEvaluateStopBeforeTheirOutputsToo() throws Exception {
        Distill4jConfig c = config("fail", "cache.batch-size=4096", "inference.engine=dl4j");
        List<String> before = files();
        String cache = Errors.describe(
                assertThrows(OffHeapShortfall.class, () -> new CacheTeacherJob(job.spark(), c, QUIET).run()));
        assertTrue(cache.startsWith("cache-teacher needs about "), cache);
        assertTrue(cache.contains("(inference, batch 4096 at 64x128"), cache);
        assertTrue(cache.contains("or lower distill4j.cache.batch-size,"), cache);
        String evaluate = Errors.describe(
                assertThrows(OffHeapShortfall.class, () -> new EvaluateJob(job.spark(), c, QUIET).evaluateTeacher()));
        assertTrue(evaluate.startsWith("evaluate needs about "), evaluate);
        assertTrue(evaluate.contains("(inference, batch 4096 at 64x128"), evaluate);
        assertTrue(evaluate.contains("or lower distill4j.cache.batch-size,"), evaluate);
        assertEquals(before, files(), "no cache directory, no report");
    }

    /** The line says how each model runs: DL4J training, DL4J inference, or inference in ONNX Runtime. */
    @Test
    @Order(4)
    void theWorkloadNamesTheEngineThatRunsEachModel() {
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "c",
                        new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3)
                                .nIn(3)
                                .nOut(4)
                                .build(),
                        "in")
                .setOutputs("c")
                .build();
        assertEquals(
                "inference in ONNX Runtime, batch 4 at 64x128",
                new MemoryPreflight.Workload(
                                List.of(new MemoryPreflight.Model(conf, OffHeapEstimate.Use.ONNX_RUNTIME)),
                                4,
                                "distill4j.cache.batch-size",
                                64,
                                128)
                        .describe());
        assertEquals(
                "training + inference in ONNX Runtime, batch 8 at 64x128",
                new MemoryPreflight.Workload(
                                List.of(
                                        new MemoryPreflight.Model(conf, OffHeapEstimate.Use.TRAINING),
                                        new MemoryPreflight.Model(conf, OffHeapEstimate.Use.ONNX_RUNTIME)),
                                8,
                                "distill4j.train.batch-size-per-worker",
                                64,
                                128)
                        .describe());
    }

    /** distill on the teacher's cache (computed with warn): the student's training at batch 4096 stops it. */
    @Test
    @Order(5)
    void distillStopsBeforeItsRunDirectory() throws Exception {
        new CacheTeacherJob(job.spark(), config("warn"), QUIET).run();
        Distill4jConfig c = config("fail", "model.student.width=24");
        List<String> before = files();
        String line = Errors.describe(
                assertThrows(OffHeapShortfall.class, () -> new DistillJob(job.spark(), c, false, QUIET).run()));
        assertTrue(line.startsWith("distill needs about "), line);
        assertTrue(line.contains("(training, batch 4096 at 64x128"), line);
        assertTrue(line.contains("or lower distill4j.train.batch-size-per-worker,"), line);
        assertEquals(before, files(), "no run directory");
        assertFalse(Files.exists(job.work().resolve("runs")));
    }

    /** Through the CLI: exit 1 and the one error line; last, since the command stops the Spark session. */
    @Test
    @Order(6)
    void theCommandEndsWithTheOneLineAndWritesNothing() throws Exception {
        List<String> before = files();
        CliRun run = CliRun.of(job.work(), job.sample(), "train-teacher", settings("fail"));
        assertEquals(1, run.code(), run.err());
        String line = run.errorLine();
        assertTrue(line.startsWith("distill4j train-teacher: error: train-teacher needs about "), line);
        assertTrue(line.endsWith("or set distill4j.spark.memory-check=warn to run anyway"), line);
        assertEquals(before, files());
    }
}
