package io.distill4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.ModelFiles;
import io.distill4j.cache.ModelForward;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.SegmentationMetrics;
import io.distill4j.eval.coco.CocoDetection;
import io.distill4j.eval.coco.CocoStats;
import io.distill4j.eval.report.ReportWriter;
import io.distill4j.manifest.InputRef;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.ModelManifest;
import io.distill4j.manifest.SameShards;
import io.distill4j.onnx.OnnxModelException;
import io.distill4j.onnx.OnnxModelSettings;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.OutputPlacement;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import io.distill4j.train.EpochValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * EVALUATE: runs a model over a split's shards on the executors (broadcast model, minibatch
 * inference in mapPartitions) and scores it by the task the shards hold.
 *
 * <p>Cityscapes shards: the confusion matrices are summed across executors into per-class IoU,
 * mIoU and pixel accuracy (Cityscapes rules, at the shard resolution); with
 * {@code evaluate.export-predictions} each executor also writes its predictions as Cityscapes
 * labelId PNGs at the original image size under {@code report/predictions/}. COCO shards: each
 * executor decodes its images' CenterNet outputs into detections in original image pixels with
 * original category ids and returns them with the images' ground truth; the driver writes
 * {@code report/detections.json} (COCO results format) and computes the twelve COCOeval numbers.
 * Either way the report holds {@code metrics.json} (the contract in docs/evaluation.md), a table and
 * pictures of the first samples. Nothing is shuffled; the parallelism is the shards' partitions.
 */
public final class EvaluateJob {
    /** Where {@code evaluate.export-predictions} writes the Cityscapes labelId PNGs, under the report. */
    public static final String PREDICTIONS_DIR = "predictions";
    /** The detections of a COCO evaluation in COCO results format, under the report. */
    public static final String DETECTIONS_FILE = "detections.json";

    private final SparkSession spark;
    private final Distill4jConfig config;
    private final PrintStream console;

    public EvaluateJob(SparkSession spark, Distill4jConfig config, PrintStream console) {
        this.spark = spark;
        this.config = config;
        this.console = console;
    }

    /**
     * The validator of {@code train.validate-every}: scores {@code toModel} of the training graph on
     * evaluate.split with this job's evaluator (Cityscapes mIoU or COCO AP), writing no report.
     *
     * @param toModel the model to score from the training graph (the student alone, for distill)
     */
    public EpochValidator validator(UnaryOperator<ComputationGraph> toModel) {
        return training -> {
            ComputationGraph net = toModel.apply(training);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Shards shards = Shards.open(spark, config.shard().output());
            ExecutorModel.Dl4j executor = new ExecutorModel.Dl4j(null, sc.broadcast(ModelFiles.bytes(net)));
            try {
                return VisionTasks.of(shards, "evaluate").validate(sc, config, shards, executor, net);
            } finally {
                executor.bytes().destroy();
            }
        };
    }

    /**
     * One evaluated model: its metrics and what it predicted on the first samples (for pictures).
     *
     * @param task        "segmentation" or "detection", as in metrics.json
     * @param metrics     the confusion matrix (segmentation; null for detection)
     * @param stats       the twelve COCOeval numbers (detection; null for segmentation)
     * @param predictions trainId maps of {@code samples} (segmentation; empty for detection)
     * @param detections  detections on {@code samples} in original image pixels (detection; empty for segmentation)
     */
    public record Evaluated(
            String model,
            String task,
            SegmentationMetrics metrics,
            CocoStats stats,
            ObjectNode json,
            Path reportDir,
            List<ShardRecord> samples,
            List<byte[]> predictions,
            List<List<CocoDetection>> detections) {}

    /**
     * Evaluates the model of a complete stage output (a teacher directory or a distill run): the
     * file its manifest names; the report goes to {@code dir/report}.
     */
    public Evaluated evaluate(String modelName, Path dir) {
        return evaluate(modelName, dir, null);
    }

    /**
     * @param teacher the teacher's evaluation, whose predictions on the same samples are drawn beside
     *                this model's (null for the teacher itself)
     */
    public Evaluated evaluate(String modelName, Path dir, Evaluated teacher) {
        OutputPlacement.requireApart(
                "the report of " + dir,
                new Path(dir, "report"),
                Map.of(Shards.KEY, Storage.path(config.shard().output())));
        try (StageRun stage = StageRun.start(spark, "evaluate", console)) {
            stage.hold(Storage.path(config.shard().output()));
            stage.hold(dir);
            return evaluate(stage, modelName, dir, teacher);
        }
    }

    /** The evaluation, holding leases on the shards and the model directory and the claim of the report. */
    private Evaluated evaluate(StageRun stage, String modelName, Path dir, Evaluated teacher) {
        JavaSparkContext sc = stage.sc();
        ModelManifest manifest = Manifests.readModel(stage.fs(dir), dir);
        Path modelFile = new Path(dir, manifest.model() == null ? DistillJob.STUDENT_FILE : manifest.model());
        Shards shards = openShards();
        InputRef trainedOn =
                manifest.provenance() == null ? null : manifest.provenance().input("shards");
        if (!SameShards.check(
                "evaluate",
                "model",
                dir.toString(),
                trainedOn,
                shards.root().toString(),
                shards.fingerprint("evaluate"),
                "retrain it on these shards, or set shard.output to the shards it was trained on")) {
            console.println("[evaluate] " + dir
                    + " records no shards fingerprint (trained elsewhere or by an older distill4j): "
                    + "evaluating it on " + shards.root() + " as it is");
        }
        String dataset = shards.dataset();
        ComputationGraph net = ModelFiles.read(stage.fs(modelFile), modelFile, false);
        VisionTask task = VisionTasks.of(shards, "evaluate");
        List<String> heads = task.heads();
        for (String head : heads) {
            if (!net.getConfiguration().getVertices().containsKey(head)) {
                throw new StageOutputException("evaluate: model " + modelFile + " has no '" + head + "' vertex, which "
                        + dataset + " shards need (" + shards.root() + "); is it a model of the other task?");
            }
        }
        // The engine is picked before the check, which estimates the engine that runs, and before the claim.
        InferenceEngines.Choice engine = InferenceEngines.choose(
                config.inference(),
                net,
                heads,
                InferenceEngines.expectation(TaskModels.of(config, shards, "evaluate"), shards),
                "the model " + modelFile,
                line -> console.println("[evaluate] " + line));
        MemoryPreflight.check(
                spark,
                config,
                "evaluate",
                new MemoryPreflight.Workload(
                        List.of(new MemoryPreflight.Model(net.getConfiguration(), engine.use())),
                        config.cache().batchSize(),
                        "distill4j.cache.batch-size",
                        shards.height(),
                        shards.width()),
                console);
        // A report of an older version (no marker) is recognised by its metrics.json.
        Path reportDir = stage.claim(stage.fs(dir), new Path(dir, "report"), "the report of " + dir, "metrics.json")
                .path();
        ExecutorModel executor = engine.ship(sc, "eval:" + modelFile + ":" + System.nanoTime());
        // The report's pictures are drawn on the driver with the same engine.
        ModelForward driver = executor instanceof ExecutorModel.Onnx onnx
                ? batch -> onnx.with(f -> f.apply(batch))
                : ModelForward.of(net);
        try {
            return evaluate(stage, shards, task, new Model(modelName, dir, reportDir, driver, executor), teacher);
        } finally {
            executor.bytes().destroy();
            if (executor instanceof ExecutorModel.Onnx onnx) io.distill4j.onnx.OnnxSessions.close(onnx.key());
        }
    }

    /**
     * The teacher's row: teacher.dir's DL4J teacher, or the ONNX teacher of teacher.onnx (its
     * report under teacher.dir/report too).
     */
    public Evaluated evaluateTeacher() {
        Path dir = Storage.path(config.teacher().dir());
        if (!config.teacher().isOnnx()) return evaluate("teacher", dir);
        return evaluateOnnx("teacher", config.teacher().onnx(), OnnxTeacher.KEY, new Path(dir, "report"), null, null);
    }

    /**
     * Scores an ONNX model with ONNX Runtime on the executors (one session per executor JVM).
     *
     * @param settings   the file and what the configuration says about it (blank parts from its metadata)
     * @param keyPrefix  where the settings come from, for refusals
     * @param reportDir  where the report goes
     * @param curvesDir  a run directory whose metrics.jsonl the report draws, or null
     */
    public Evaluated evaluateOnnx(
            String modelName,
            OnnxModelSettings settings,
            String keyPrefix,
            Path reportDir,
            Path curvesDir,
            Evaluated teacher) {
        try (StageRun stage = StageRun.start(spark, "evaluate", console)) {
            stage.hold(Storage.path(config.shard().output()));
            return evaluateOnnx(stage, modelName, settings, keyPrefix, reportDir, curvesDir, teacher);
        }
    }

    /** The ONNX model's evaluation, holding a lease on the shards. */
    private Evaluated evaluateOnnx(
            StageRun stage,
            String modelName,
            OnnxModelSettings settings,
            String keyPrefix,
            Path reportDir,
            Path curvesDir,
            Evaluated teacher) {
        JavaSparkContext sc = stage.sc();
        Shards shards = openShards();
        TaskModels models = TaskModels.of(config, shards, "evaluate");
        OnnxTeacher onnx = OnnxTeacher.open(
                sc.hadoopConfiguration(),
                settings,
                keyPrefix,
                models,
                shards,
                io.distill4j.train.Examples.preprocessing(shards.height(), shards.width()));
        List<String> heads = models.task().heads();
        for (String head : heads) {
            if (onnx.spec().output(head) == null) {
                throw new OnnxModelException(keyPrefix + ".outputs: evaluate needs an output named '" + head + "' for "
                        + shards.dataset() + " shards, but " + settings.path() + " maps "
                        + onnx.spec().names());
            }
        }
        ExecutorModel.Onnx executor = onnx.broadcast(sc, heads);
        try {
            ModelForward driver = new io.distill4j.onnx.OnnxForward(
                    io.distill4j.onnx.OnnxSessions.get(onnx.fingerprint(), onnx::bytes, 1, settings.path()),
                    executor.spec());
            return evaluate(
                    stage,
                    shards,
                    models.task(),
                    new Model(modelName, curvesDir, reportDir, driver, executor),
                    teacher);
        } finally {
            executor.bytes().destroy();
        }
    }

    /** The shards of shard.output, refused when no task reads their dataset. */
    private Shards openShards() {
        Shards shards = Shards.open(spark, config.shard().output());
        VisionTasks.of(shards, "evaluate");
        return shards;
    }

    private Evaluated evaluate(StageRun stage, Shards shards, VisionTask task, Model model, Evaluated teacher) {
        String split = config.evaluate().split();
        stage.jobGroup(
                "EVALUATE",
                "EVALUATE " + model.name() + " (" + shards.dataset() + ", "
                        + model.executor().engine() + ") on " + split + " (" + shards.count(split) + " samples)");
        return task.evaluate(stage.sc(), config, console, shards, model, teacher);
    }

    /**
     * The model under evaluation: its forward pass on the driver (for the report's pictures), and
     * as shipped to the executors.
     *
     * @param dir the run directory whose metrics.jsonl is drawn, or null
     */
    record Model(String name, Path dir, Path reportDir, ModelForward forward, ExecutorModel executor) {}

    /** What a task adds to the local report directory beside metrics.json, curves and index.html. */
    interface ReportContent {
        void write(ReportWriter writer, java.nio.file.Path localDir) throws IOException;
    }

    /**
     * metrics.json, the table, the task's own files, loss curves and index.html. ReportWriter draws
     * on a local disk (Java2D and java.nio); the files are then copied to the report directory,
     * which may be on HDFS or S3.
     */
    static void writeReport(JavaSparkContext sc, Model model, ObjectNode json, ReportContent content) {
        FileSystem fs = Storage.fs(model.reportDir(), sc.hadoopConfiguration());
        java.nio.file.Path local = null;
        try {
            local = java.nio.file.Files.createTempDirectory("distill4j-report");
            ReportWriter w = new ReportWriter(local);
            w.writeMetrics(json);
            content.write(w, local);
            java.nio.file.Path curves =
                    model.dir() == null ? null : flattenedMetrics(fs, new Path(model.dir(), "metrics.jsonl"), local);
            if (curves != null) {
                w.writeCurves(curves);
                java.nio.file.Files.delete(curves);
            }
            w.writeIndex("distill4j report: " + model.name());
            try (var files = java.nio.file.Files.walk(local)) {
                for (java.nio.file.Path f :
                        files.filter(java.nio.file.Files::isRegularFile).toList()) {
                    Path target = new Path(
                            model.reportDir(), local.relativize(f).toString().replace('\\', '/'));
                    fs.copyFromLocalFile(false, true, new Path(f.toUri()), target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + model.reportDir() + ": " + e.getMessage(), e);
        } finally {
            if (local != null) org.apache.commons.io.FileUtils.deleteQuietly(local.toFile());
        }
    }

    /** metrics.jsonl with each term's score as a top-level "loss ..." field, as the chart expects. */
    private static java.nio.file.Path flattenedMetrics(FileSystem fs, Path metrics, java.nio.file.Path dir)
            throws IOException {
        if (!fs.exists(metrics)) return null;
        StringBuilder out = new StringBuilder();
        try (var in =
                new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(metrics), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) continue;
                ObjectNode n = (ObjectNode) Manifest.JSON.readTree(line);
                if (n.path("kind").asText("epoch").equals("iteration")) continue;
                ObjectNode flat = Manifest.JSON.createObjectNode();
                flat.put("epoch", n.path("epoch").asInt());
                flat.put("loss (training, all terms)", n.path("score").asDouble());
                n.path("terms")
                        .fields()
                        .forEachRemaining(
                                e -> flat.put("loss " + e.getKey(), e.getValue().asDouble()));
                flat.put("images per second", n.path("examples_per_s").asDouble());
                com.fasterxml.jackson.databind.JsonNode v = n.path("validation");
                if (v.path("value").isNumber())
                    flat.put(
                            "validation " + v.path("metric").asText() + " %",
                            100 * v.path("value").asDouble());
                out.append(flat.toString()).append("\n");
            }
        }
        java.nio.file.Path f = dir.resolve("metrics-flat.jsonl");
        java.nio.file.Files.writeString(f, out);
        return f;
    }
}
