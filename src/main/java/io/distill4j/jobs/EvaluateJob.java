package io.distill4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.ModelFiles;
import io.distill4j.cache.TeacherOnExecutor;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.eval.SegmentationMetrics;
import io.distill4j.eval.report.ReportWriter;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.Storage;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * EVALUATE: runs a segmentation model over a split's shards on the executors (broadcast model,
 * minibatch inference in mapPartitions), sums the confusion matrices across executors and
 * computes per-class IoU, mIoU and pixel accuracy by the Cityscapes rules. Writes the model's
 * {@code report/metrics.json} (the contract in DESIGN.md) and a per-class table.
 */
public final class EvaluateJob {
    private final SparkSession spark;
    private final Distill4jConfig config;
    private final PrintStream console;

    public EvaluateJob(SparkSession spark, Distill4jConfig config, PrintStream console) {
        this.spark = spark;
        this.config = config;
        this.console = console;
    }

    /** One evaluated model: its metrics and the predictions of the first samples (for pictures). */
    public record Evaluated(String model, SegmentationMetrics metrics, ObjectNode json, Path reportDir,
                            List<ShardRecord> samples, List<byte[]> predictions) {}

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
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ObjectNode manifest = Manifest.read(Storage.fs(dir, sc.hadoopConfiguration()), dir);
        Path modelFile = new Path(dir, manifest.path("model").asText(DistillJob.STUDENT_FILE));
        Path reportDir = new Path(dir, "report");
        String split = config.evaluate().split();
        Shards shards = Shards.open(spark, config.shard().output());
        shards.requireSegmentation("evaluate");
        FileSystem fs = Storage.fs(modelFile, sc.hadoopConfiguration());
        ComputationGraph net = ModelFiles.read(fs, modelFile, false);
        Broadcast<byte[]> bytes = sc.broadcast(ModelFiles.bytes(net));
        String key = "eval:" + modelFile + ":" + System.nanoTime();
        int batch = config.cache().batchSize();
        sc.setJobGroup("EVALUATE", "EVALUATE " + modelName + " on " + split + " (" + shards.count(split) + " samples)", false);
        JavaRDD<ShardRecord> records = shards.records(split);
        SegmentationMetrics metrics = records.mapPartitions(it -> {
            List<ShardRecord> part = new ArrayList<>();
            it.forEachRemaining(part::add);
            SegmentationMetrics m = new SegmentationMetrics(CityscapesLabels.NUM_CLASSES);
            if (part.isEmpty()) return List.of(m).iterator();
            ComputationGraph model = TeacherOnExecutor.borrow(key, bytes::value);
            try {
                List<byte[]> preds = SegmentationPredictor.predict(model, part, batch);
                for (int i = 0; i < part.size(); i++) m.add(part.get(i).segLabel(), preds.get(i));
            } finally {
                TeacherOnExecutor.giveBack(key, model);
            }
            return List.of(m).iterator();
        }).reduce(SegmentationMetrics::merge);
        bytes.destroy();
        List<ShardRecord> shown = records.take(config.evaluate().overlays());
        List<byte[]> shownPreds = SegmentationPredictor.predict(net, shown, batch);
        ObjectNode json = metrics.toMetricsJson(modelName, split, CityscapesLabels.TRAIN_NAMES);
        FileSystem rfs = Storage.fs(reportDir, sc.hadoopConfiguration());
        List<byte[]> teacherPreds = teacher != null && teacher.samples().size() == shown.size() ? teacher.predictions() : null;
        writeReport(rfs, dir, reportDir, modelName, json, metrics, shown, shownPreds, teacherPreds);
        console.printf("[evaluate] %s: mIoU %.4f  pixel accuracy %.4f  (%s, %d samples) -> %s%n", modelName,
                metrics.meanIou(), metrics.pixelAccuracy(), split, shards.count(split), reportDir);
        return new Evaluated(modelName, metrics, json, reportDir, shown, shownPreds);
    }

    /**
     * metrics.json, per-class tables, image | ground truth | teacher | student strips, agreement maps,
     * loss curves and index.html. ReportWriter draws on a local disk (Java2D and java.nio); the files
     * are then copied to the report directory, which may be on HDFS or S3.
     */
    private static void writeReport(FileSystem fs, Path modelDir, Path reportDir, String model, ObjectNode json,
                                    SegmentationMetrics metrics, List<ShardRecord> shown, List<byte[]> preds,
                                    List<byte[]> teacherPreds) {
        java.nio.file.Path local = null;
        try {
            local = java.nio.file.Files.createTempDirectory("distill4j-report");
            ReportWriter w = new ReportWriter(local);
            w.writeMetrics(json);
            java.nio.file.Files.writeString(local.resolve("per-class.txt"), metrics.toTable(CityscapesLabels.TRAIN_NAMES));
            for (int i = 0; i < shown.size(); i++) {
                ShardRecord r = shown.get(i);
                w.addSegmentationSample(r.sampleId(), r.image(), r.height(), r.width(), r.segLabel(),
                        teacherPreds == null ? null : teacherPreds.get(i), preds.get(i));
            }
            java.nio.file.Path curves = flattenedMetrics(fs, new Path(modelDir, "metrics.jsonl"), local);
            if (curves != null) {
                w.writeCurves(curves);
                java.nio.file.Files.delete(curves);
            }
            w.writeIndex("distill4j report: " + model);
            try (var files = java.nio.file.Files.walk(local)) {
                for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                    Path target = new Path(reportDir, local.relativize(f).toString().replace('\\', '/'));
                    fs.copyFromLocalFile(false, true, new Path(f.toUri()), target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + reportDir + ": " + e.getMessage(), e);
        } finally {
            if (local != null) org.apache.commons.io.FileUtils.deleteQuietly(local.toFile());
        }
    }

    /** metrics.jsonl with each term's score as a top-level "loss ..." field, as the chart expects. */
    private static java.nio.file.Path flattenedMetrics(FileSystem fs, Path metrics, java.nio.file.Path dir) throws IOException {
        if (!fs.exists(metrics)) return null;
        StringBuilder out = new StringBuilder();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(metrics), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) continue;
                ObjectNode n = (ObjectNode) Manifest.JSON.readTree(line);
                if (n.path("kind").asText("epoch").equals("iteration")) continue;
                ObjectNode flat = Manifest.JSON.createObjectNode();
                flat.put("epoch", n.path("epoch").asInt());
                flat.put("loss (training, all terms)", n.path("score").asDouble());
                n.path("terms").fields().forEachRemaining(e -> flat.put("loss " + e.getKey(), e.getValue().asDouble()));
                flat.put("images per second", n.path("examples_per_s").asDouble());
                out.append(flat.toString()).append("\n");
            }
        }
        java.nio.file.Path f = dir.resolve("metrics-flat.jsonl");
        java.nio.file.Files.writeString(f, out);
        return f;
    }
}
