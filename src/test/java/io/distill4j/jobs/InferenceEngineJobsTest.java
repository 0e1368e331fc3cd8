package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.InferenceSettings;
import io.distill4j.onnx.OnnxModels;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.ShardFiles;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.util.OffHeapEstimate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code inference.engine}: the sample teacher, trained by train-teacher, cached once by DL4J and
 * once by ONNX Runtime (exported in memory) under a real local[2] Spark. Both caches carry the
 * teacher's one fingerprint and agree on every tensor of every sample (fp32 codec, all taps) within
 * 1e-4 of the tensor's scale; distill accepts either cache whatever engine it is itself set to;
 * the online teacher and evaluate run on ONNX Runtime too.
 */
@Tag("spark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InferenceEngineJobsTest {
    /** Largest |ORT - DL4J| allowed, as a fraction of the DL4J tensor's largest magnitude. */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    private static final List<String> TAPS = List.of("stage1", "stage2", "stage3", "neck", "logits");

    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample().sharded();

    static final Map<String, CacheTeacherJob.Result> caches = new LinkedHashMap<>();

    @BeforeAll
    static void teacher() throws Exception {
        new TrainTeacherJob(job.spark(), config("dl4j", "teacher.epochs=1"), QUIET).run();
    }

    /** Every tap of the teacher cached as fp32, into a cache root of the engine's own. */
    static Distill4jConfig config(String engine, String... extra) {
        List<String> all = new ArrayList<>(List.of(
                "inference.engine=" + engine,
                "cache.output=\"" + job.work().resolve("cache-" + engine) + "\"",
                "cache.outputs=["
                        + String.join(
                                ", ",
                                TAPS.stream()
                                        .map(t -> "{name=" + t + ", codec=fp32}")
                                        .toList()) + "]"));
        all.addAll(List.of(extra));
        return job.config(all.toArray(String[]::new));
    }

    static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    /** sample id -> output -> decoded CHW floats, over every file of a cache split. */
    static Map<String, Map<String, float[]>> read(String cacheDir) throws Exception {
        Map<String, Map<String, float[]>> all = new LinkedHashMap<>();
        for (Path f :
                ShardFiles.list(fs(), new Path(job.work().resolve("shards").toUri()), "train")) {
            for (CacheRow row :
                    CacheParquet.read(new Configuration(), new Path(new Path(cacheDir, "train"), f.getName()))) {
                all.computeIfAbsent(row.sampleId(), k -> new LinkedHashMap<>())
                        .put(
                                row.output(),
                                TensorCodecs.forSpec(row.tensor().codec()).decode(row.tensor()));
            }
        }
        return all;
    }

    @Test
    @Order(1)
    void bothEnginesCacheTheTeacherUnderItsFingerprintAndAgreeOnEveryTensor() throws Exception {
        for (String engine : List.of("dl4j", "onnx-runtime")) {
            caches.put(engine, new CacheTeacherJob(job.spark(), config(engine), QUIET).run());
            ObjectNode m = Manifest.read(fs(), new Path(caches.get(engine).dir()));
            assertEquals(engine, m.path("engine").asText(), "the manifest names the engine that ran");
        }
        CacheTeacherJob.Result dl4j = caches.get("dl4j");
        CacheTeacherJob.Result ort = caches.get("onnx-runtime");
        assertEquals(dl4j.fingerprint(), ort.fingerprint(), "the cache identity is the teacher's, not the engine's");
        assertEquals(40L, dl4j.rows().get("train"), "8 samples x 5 taps");
        assertEquals(dl4j.rows(), ort.rows());

        Map<String, Map<String, float[]>> a = read(dl4j.dir());
        Map<String, Map<String, float[]>> b = read(ort.dir());
        assertEquals(8, a.size());
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        for (String id : a.keySet()) {
            assertEquals(TAPS.size(), a.get(id).size(), id);
            for (String tap : TAPS) {
                float[] x = a.get(id).get(tap);
                float[] y = b.get(id).get(tap);
                assertEquals(x.length, y.length, id + " " + tap);
                double scale = 0;
                double error = 0;
                for (int i = 0; i < x.length; i++) {
                    scale = Math.max(scale, Math.abs(x[i]));
                    error = Math.max(error, Math.abs(x[i] - y[i]));
                }
                assertTrue(scale > 0, id + " " + tap + ": an all-zero tensor proves nothing");
                assertTrue(
                        error <= RELATIVE_TOLERANCE * scale,
                        id + " " + tap + ": DL4J and ONNX Runtime differ by " + error + ", " + error / scale
                                + " of the tensor's scale " + scale);
                worst = Math.max(worst, error / scale);
            }
        }
        assertTrue(worst > 0, "the engines computed separately (bit-identical caches would suggest one ran twice)");
    }

    @Test
    @Order(2)
    void distillAcceptsACacheMadeByEitherEngine() throws Exception {
        String terms = "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2},"
                + "{kind=cwd, student-tap=neck, teacher-output=neck, weight=1, tau=2}]";
        for (String made : List.of("dl4j", "onnx-runtime")) {
            String other = made.equals("dl4j") ? "onnx-runtime" : "dl4j";
            Distill4jConfig c = config(
                    other,
                    "cache.output=\"" + job.work().resolve("cache-" + made) + "\"",
                    "distill.run-id=from-" + made,
                    "train.epochs=1",
                    terms);
            DistillJob.Result r = new DistillJob(job.spark(), c, false, QUIET).run();
            assertEquals(8, r.examples(), "the cache made by " + made);
            ObjectNode m = Manifest.read(fs(), new Path(r.runDir()));
            assertEquals(made, m.path("teacher_engine").asText());
            assertEquals(
                    caches.get(made).fingerprint(),
                    m.path("teacher_fingerprint").asText());
        }
    }

    @Test
    @Order(3)
    void cacheTeacherWithTheOtherEngineReusesTheCompleteCache() throws Exception {
        CacheTeacherJob.Result again = new CacheTeacherJob(
                        job.spark(),
                        config("onnx-runtime", "cache.output=\"" + job.work().resolve("cache-dl4j") + "\""),
                        QUIET)
                .run();
        assertEquals(caches.get("dl4j").dir(), again.dir());
        assertEquals(0, again.filesWritten(), "the engine is not part of what the cache is");
    }

    @Test
    @Order(4)
    void theOnlineTeacherRunsInOnnxRuntime() throws Exception {
        DistillJob.Result r = new DistillJob(
                        job.spark(),
                        config(
                                "onnx-runtime",
                                "distill.run-id=online",
                                "train.epochs=1",
                                "distill.teacher-mode=online",
                                "distill.terms=[{kind=cwd, student-tap=stage2, teacher-output=stage2, weight=1, tau=2}]"),
                        false,
                        QUIET)
                .run();
        assertEquals(8, r.examples());
        ObjectNode m = Manifest.read(fs(), new Path(r.runDir()));
        assertEquals("onnx-runtime", m.path("teacher_engine").asText());
        assertEquals("online", m.path("teacher_mode").asText());
    }

    @Test
    @Order(5)
    void evaluateScoresTheTeacherAndAStudentTheSameWithEitherEngine() throws Exception {
        Path teacher = new Path(job.work().resolve("teacher").toUri());
        Path student = new Path(job.work().resolve("runs/from-dl4j").toUri());
        for (Path dir : List.of(teacher, student)) {
            EvaluateJob.Evaluated d = new EvaluateJob(job.spark(), config("dl4j"), QUIET).evaluate("m", dir);
            EvaluateJob.Evaluated o = new EvaluateJob(job.spark(), config("onnx-runtime"), QUIET).evaluate("m", dir);
            assertEquals(d.metrics().totalPixels(), o.metrics().totalPixels());
            // Arg-max over logits equal within 1e-4 of their scale: at most a near-tie pixel may flip.
            assertEquals(
                    d.metrics().pixelAccuracy(),
                    o.metrics().pixelAccuracy(),
                    2.0 / d.metrics().totalPixels(),
                    dir.toString());
            assertEquals(d.metrics().meanIou(), o.metrics().meanIou(), 1e-3, dir.toString());
            assertEquals(d.predictions().size(), o.predictions().size());
        }
    }

    @Test
    @Order(6)
    void aGraphTheExporterCannotWriteRunsInDl4jSayingSoInOneLine() {
        // No 'logits' (or 'heatmap' and 'reg') vertex: not a distill4j model the exporter knows.
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("image")
                .setInputTypes(InputType.convolutional(32, 64, 3))
                .addLayer("features", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "image")
                .setOutputs("features")
                .build());
        net.init();
        List<String> lines = new ArrayList<>();
        InferenceEngines.Choice choice = InferenceEngines.choose(
                new InferenceSettings(InferenceSettings.Engine.ONNX_RUNTIME),
                net,
                List.of("features"),
                new OnnxModels.Expectation("segmentation", 32, 64, 19),
                "the model x.zip",
                lines::add);
        ExecutorModel m =
                choice.ship(JavaSparkContext.fromSparkContext(job.spark().sparkContext()), "fallback");
        try {
            assertInstanceOf(ExecutorModel.Dl4j.class, m);
            // The memory check counts it as DL4J inference, the engine that runs it.
            assertEquals(OffHeapEstimate.Use.INFERENCE, choice.use());
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(
                    lines.get(0)
                                    .startsWith(
                                            "inference.engine = onnx-runtime, but the model x.zip cannot run in ONNX Runtime (")
                            && lines.get(0).endsWith("); running it in DL4J"),
                    lines.get(0));
        } finally {
            m.bytes().destroy();
        }
    }

    /** The teacher exports: the memory check counts it as ONNX Runtime's with that engine, DL4J's with the other. */
    @Test
    @Order(7)
    void theEngineIsChosenBeforeTheStageShipsTheModel() throws Exception {
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                job.work().resolve("teacher/teacher.zip").toFile(), false);
        OnnxModels.Expectation task = new OnnxModels.Expectation("segmentation", 32, 64, 19);
        InferenceEngines.Choice onnx = InferenceEngines.choose(
                new InferenceSettings(InferenceSettings.Engine.ONNX_RUNTIME),
                teacher,
                List.of("logits"),
                task,
                "the teacher",
                line -> {
                    throw new AssertionError(line);
                });
        assertEquals(OffHeapEstimate.Use.ONNX_RUNTIME, onnx.use());
        ExecutorModel shipped =
                onnx.ship(JavaSparkContext.fromSparkContext(job.spark().sparkContext()), "choice");
        try {
            assertInstanceOf(ExecutorModel.Onnx.class, shipped);
        } finally {
            shipped.bytes().destroy();
        }
        assertEquals(
                OffHeapEstimate.Use.INFERENCE,
                InferenceEngines.choose(
                                new InferenceSettings(InferenceSettings.Engine.DL4J),
                                teacher,
                                List.of("logits"),
                                task,
                                "the teacher",
                                line -> {})
                        .use());
    }
}
