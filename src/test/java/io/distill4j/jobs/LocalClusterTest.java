package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.onnx.export.OnnxExporter;
import io.distill4j.onnx.export.SpatialSize;
import io.distill4j.storage.ShardFiles;
import io.distill4j.util.NativeSetup;
import io.distill4j.util.NativeStatus;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * shard -> train-teacher -> cache-teacher -> distill -> evaluate with every executor in its own
 * JVM ({@code local-cluster[2,1,2048]}), so whatever the jobs ship (closures, broadcast models,
 * loss functions, training masters, Kryo-serialized INDArrays) must survive serialization and
 * whatever an executor needs must not rely on driver-only set-up. As a user runs stages as
 * separate applications, shard and train-teacher run in one session and the later stages in a
 * second one with fresh executors, which also carry the fault hook for the cache-teacher stage.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterTest {
    @TempDir
    static java.nio.file.Path tmp;

    static java.nio.file.Path sample;
    static java.nio.file.Path work;
    static java.nio.file.Path sparkHome;
    static SparkSession spark;
    static final PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    static final String TERMS =
            "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2},"
                    + "{kind=cwd, student-tap=neck, teacher-output=neck, weight=1, tau=2}]";

    @BeforeAll
    static void prepare() throws Exception {
        NativeSetup.init();
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        sparkHome = tmp.resolve("spark-home");
        LocalClusterSupport.enter(sparkHome);
    }

    @AfterAll
    static void stop() {
        try {
            if (spark != null) spark.stop();
        } finally {
            spark = null;
            LocalClusterSupport.leave();
        }
    }

    static Distill4jConfig config(String[] cluster, String... extra) {
        List<String> all = new ArrayList<>(List.of(cluster));
        all.add("cache.outputs=[{name=logits, codec=fp16}, {name=neck, codec=int8}]");
        all.add("teacher.epochs=1");
        all.addAll(List.of(extra));
        return SparkTestSupport.config(work, sample, all.toArray(String[]::new));
    }

    /** Stage wall-clock times on stdout: the multi-JVM run is the one to watch for slow-downs. */
    static <T> T timed(String stage, java.util.concurrent.Callable<T> body) throws Exception {
        long start = System.nanoTime();
        T result = body.call();
        System.out.printf(
                java.util.Locale.ROOT, "[local-cluster] %s: %.1f s%n", stage, (System.nanoTime() - start) / 1e9);
        return result;
    }

    static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    static List<Path> shardFiles(String split) throws Exception {
        return ShardFiles.list(fs(), new Path(work.resolve("shards").toUri()), split);
    }

    @Test
    @Order(1)
    void shardAndTeacherTrainingRunInSeparateExecutorJvms() throws Exception {
        Distill4jConfig c = config(LocalClusterSupport.overrides());
        spark = timed("start session 1", () -> SparkTestSupport.spark(c));
        try {
            assertEquals(
                    LocalClusterSupport.EXECUTORS + 1,
                    spark.sparkContext().statusTracker().getExecutorInfos().length,
                    () -> "driver plus every executor registered" + LocalClusterSupport.executorLogs(sparkHome));
            long driver = ProcessHandle.current().pid();
            // Executors never run NativeSetup.init(): they must get the oneDNN build and DL4J's
            // layer helpers from the options the session gives them. Their OpenMP thread count is
            // printed only: measured at 4 per 1-core executor on 2 cores, and still 4 with
            // OMP_NUM_THREADS=1 in the executor's environment (spark.executorEnv).
            List<String> executors = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(IntStream.range(0, 8).boxed().toList(), 8)
                    .map(i -> {
                        NativeStatus n = NativeSetup.status();
                        return ProcessHandle.current().pid() + " threads=" + n.threads() + " oneDNN=" + n.oneDnnBuild()
                                + " helpers=" + n.layerHelpersActive();
                    })
                    .collect();
            System.out.println("[local-cluster] executors: " + new java.util.TreeSet<>(executors));
            for (String e : executors) {
                assertFalse(e.startsWith(driver + " "), "a task ran in the driver JVM: " + executors);
                assertTrue(e.endsWith("oneDNN=true helpers=true"), "executor without the oneDNN set-up: " + executors);
            }

            ShardJob.Result shards = timed("shard", () -> new ShardJob(spark, c.dataset(), c.shard()).run());
            assertEquals(8L, shards.counts().get("train"));
            assertEquals(4L, shards.counts().get("val"));
            assertEquals(2, shardFiles("train").size());

            TrainTeacherJob.Result t =
                    timed("train-teacher (1 epoch)", () -> new TrainTeacherJob(spark, c, quiet).run());
            assertEquals(16, t.fingerprint().length());
            List<String> all = Files.readAllLines(work.resolve("teacher/metrics.jsonl"));
            List<String> lines = epochLines(all);
            assertEquals(1, lines.size(), "one summary line per epoch");
            assertTrue(
                    all.stream().anyMatch(l -> l.contains("\"kind\":\"iteration\"")),
                    "per-iteration lines reach the driver from executor JVMs");
            JsonNode m = new ObjectMapper().readTree(lines.get(0));
            assertEquals(8, m.path("examples").asLong());
            assertTrue(
                    Double.isFinite(m.path("score").asDouble())
                            && m.path("score").asDouble() > 0,
                    m.toString());
        } finally {
            spark.stop();
            spark = null;
        }
    }

    @Test
    @Order(2)
    void cacheTeacherSurvivesAFailedTaskAndCachesEverySampleExactlyOnce() throws Exception {
        String target = shardFiles("train").get(1).getName();
        // Executors read the hook at task time from their own system properties; each executor JVM
        // fails the task for this shard file once, so the file needs at most three attempts.
        Distill4jConfig faulty = config(LocalClusterSupport.overrides("distill4j-fault.cache-teacher=" + target));
        spark = timed("start session 2", () -> SparkTestSupport.spark(faulty));
        List<String> failures = new CopyOnWriteArrayList<>();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof ExceptionFailure f) failures.add(f.description());
            }
        });

        CacheTeacherJob.Result r = timed("cache-teacher", () -> new CacheTeacherJob(spark, faulty, quiet).run());

        assertEquals(16L, r.rows().get("train"), "8 samples x 2 outputs");
        assertEquals(2, r.filesWritten());
        // Listener events arrive asynchronously after the job ends.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (failures.isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertFalse(failures.isEmpty(), "the injected failure never fired: the executors did not get the hook");
        for (String f : failures) {
            assertTrue(f.contains("injected failure in cache-teacher while processing " + target), f);
        }
        Set<String> expected = new HashSet<>();
        for (Path f : shardFiles("train")) {
            for (ShardRecord s : ShardFiles.read(new Configuration(), f)) {
                expected.add(s.sampleId() + "/logits");
                expected.add(s.sampleId() + "/neck");
            }
        }
        List<Row> rows = spark.read().parquet(r.dir() + "/train").collectAsList();
        Set<String> keys = new HashSet<>();
        for (Row row : rows) {
            String key = row.getString(row.fieldIndex("sample_id")) + "/" + row.getString(row.fieldIndex("output"));
            assertTrue(keys.add(key), "cached twice: " + key);
        }
        assertEquals(expected, keys);
    }

    @Test
    @Order(3)
    void distillationTrainsOnExecutorsAndExportsALoadableStudent() throws Exception {
        Distill4jConfig c = config(LocalClusterSupport.overrides(), "distill.run-id=kd", "train.epochs=2", TERMS);
        DistillJob.Result r = timed("distill (2 epochs)", () -> new DistillJob(spark, c, false, quiet).run());
        assertEquals(8, r.examples());
        List<String> lines = epochLines(Files.readAllLines(work.resolve("runs/kd/metrics.jsonl")));
        assertEquals(2, lines.size());
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode terms = json.readTree(line).path("terms");
            for (String term : List.of("task", "pixel-kd@logits", "cwd@neck")) {
                double v = terms.path(term).asDouble(Double.NaN);
                assertTrue(Double.isFinite(v) && v > 0, term + " in " + line);
            }
        }
        ComputationGraph student = ModelSerializer.restoreComputationGraph(
                work.resolve("runs/kd/student.zip").toFile(), false);
        assertEquals(List.of("task"), student.getConfiguration().getNetworkOutputs());
        INDArray out = student.feedForward(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 64), false)
                .get("logits");
        assertEquals(
                List.of(2L, 19L, 8L, 16L), Arrays.stream(out.shape()).boxed().toList());
        assertFalse(out.isNaN().any(), "student output has NaN");
    }

    @Test
    @Order(4)
    void onlineTeacherDistillationRunsTheBroadcastTeacherOnExecutors() throws Exception {
        Distill4jConfig c = config(
                LocalClusterSupport.overrides(),
                "distill.run-id=online",
                "distill.teacher-mode=online",
                "train.epochs=1",
                "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2}]");
        DistillJob.Result r =
                timed("distill, online teacher (1 epoch)", () -> new DistillJob(spark, c, false, quiet).run());
        assertEquals(8, r.examples());
        List<String> lines = epochLines(Files.readAllLines(work.resolve("runs/online/metrics.jsonl")));
        assertEquals(1, lines.size());
        double kd = new ObjectMapper()
                .readTree(lines.get(0))
                .path("terms")
                .path("pixel-kd@logits")
                .asDouble(Double.NaN);
        assertTrue(Double.isFinite(kd) && kd > 0, lines.get(0));
        assertTrue(Files.isRegularFile(work.resolve("runs/online/student.zip")));
    }

    @Test
    @Order(5)
    void evaluationSumsEveryValidationPixelAcrossExecutors() throws Exception {
        Distill4jConfig c = config(LocalClusterSupport.overrides());
        EvaluateJob.Evaluated e = timed("evaluate", () -> new EvaluateJob(spark, c, quiet)
                .evaluate("kd", new Path(work.resolve("runs/kd").toUri())));
        long ignored = 0;
        for (Path f : shardFiles("val")) {
            for (ShardRecord s : ShardFiles.read(new Configuration(), f))
                for (byte b : s.segmentation().trainIds()) if ((b & 0xFF) == 255) ignored++;
        }
        assertEquals(4L * 32 * 64 - ignored, e.metrics().totalPixels());
        JsonNode m = new ObjectMapper()
                .readTree(work.resolve("runs/kd/report/metrics.json").toFile());
        assertTrue(m.has("miou") && Double.isFinite(m.path("miou").asDouble()), m.toString());
    }

    @Test
    @Order(6)
    void augmentedCropsTrainOnExecutorsWithTheOnlineTeacherAndWithTransformedMaps() throws Exception {
        // Executors in their own JVMs get the student and the online teacher built at the crop size
        // (16x32 of the 32x64 shards) and draw the views themselves; the saved student is at the shard size.
        String augment = "train.augment={scale=[0.75, 1.5], crop=[16, 32], hflip=0.5}";
        String kd = "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2}]";
        for (String[] mode : List.of(
                new String[] {"crop-online", "distill.teacher-mode=online"},
                new String[] {"crop-transform", "distill.teacher-views=transform"})) {
            Distill4jConfig c = config(
                    LocalClusterSupport.overrides(),
                    "distill.run-id=" + mode[0],
                    mode[1],
                    augment,
                    "train.epochs=1",
                    kd);
            DistillJob.Result r =
                    timed("distill, " + mode[0] + " (1 epoch)", () -> new DistillJob(spark, c, false, quiet).run());
            assertEquals(8, r.examples(), mode[0]);
            List<String> lines = epochLines(Files.readAllLines(work.resolve("runs/" + mode[0] + "/metrics.jsonl")));
            assertEquals(1, lines.size(), mode[0]);
            double v = new ObjectMapper()
                    .readTree(lines.get(0))
                    .path("terms")
                    .path("pixel-kd@logits")
                    .asDouble(Double.NaN);
            assertTrue(Double.isFinite(v) && v > 0, lines.get(0));
            ComputationGraph trained = ModelSerializer.restoreComputationGraph(
                    work.resolve("runs/" + mode[0] + "/checkpoints/epoch-0001.zip")
                            .toFile(),
                    false);
            assertEquals(
                    new SpatialSize(16, 32),
                    OnnxExporter.trainedSize(trained.getConfiguration()),
                    mode[0] + ": the executors trained the graph at the crop size");
            ComputationGraph student = ModelSerializer.restoreComputationGraph(
                    work.resolve("runs/" + mode[0] + "/student.zip").toFile(), false);
            INDArray out = student.feedForward(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 64), false)
                    .get("logits");
            assertEquals(
                    List.of(1L, 19L, 8L, 16L),
                    Arrays.stream(out.shape()).boxed().toList(),
                    mode[0]);
            assertFalse(out.isNaN().any(), mode[0] + ": student output has NaN");
        }
    }

    /** The per-epoch summary lines of a metrics.jsonl (per-iteration lines are interleaved). */
    private static List<String> epochLines(List<String> lines) {
        return lines.stream().filter(l -> l.contains("\"kind\":\"epoch\"")).toList();
    }
}
