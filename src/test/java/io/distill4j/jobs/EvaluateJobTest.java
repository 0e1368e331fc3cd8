package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.ModelFiles;
import io.distill4j.cache.TeacherFingerprint;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.SegmentationMetrics;
import io.distill4j.eval.cityscapes.CityscapesEvalCommand;
import io.distill4j.eval.cityscapes.LabelIdPredictions;
import io.distill4j.eval.cityscapes.LabelPng;
import io.distill4j.eval.coco.CocoEvalCommand;
import io.distill4j.model.ContextHead;
import io.distill4j.model.DetectionModel;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.SegmentationModel;
import io.distill4j.model.Task;
import io.distill4j.storage.Manifest;
import io.distill4j.train.Examples;
import io.distill4j.train.RunDirectory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * evaluate on generated COCO and Cityscapes shards under a real local[2] Spark, with models built
 * here (not trained): a detector whose heads output their biases only, so every detection it must
 * write is known in advance, and a randomly initialised segmentation network.
 */
@Tag("spark")
class EvaluateJobTest {
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample();

    /** Per-class heatmap biases of the test detector: distinct scores, highest for the last class. */
    static final float[] HEATMAP_BIAS = {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f};
    /**
     * Box size in grid cells, centred in each cell: 4 x 3 cells are 16 x 12 shard pixels (stride 4)
     * and 32 x 24 original pixels, near the sample's 34 x 22 and 35 x 20 objects.
     */
    static final float BOX_W_CELLS = 4f;

    static final float BOX_H_CELLS = 3f;

    static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    /** A model directory as train-teacher leaves it: teacher.zip and a manifest naming it. */
    static Path saveModel(String name, ComputationGraph net, int height, int width) throws Exception {
        Path dir = new Path(job.work().resolve(name).toUri());
        ModelFiles.write(fs(), new Path(dir, TrainTeacherJob.MODEL_FILE), net, false);
        String preprocessing = Examples.preprocessing(height, width);
        ObjectNode m = Manifest.create("train-teacher");
        m.put("fingerprint", TeacherFingerprint.of(net, preprocessing));
        m.put("model", TrainTeacherJob.MODEL_FILE);
        m.put("architecture", name);
        m.put("preprocessing", preprocessing);
        m.put("epochs", 0);
        m.putObject("count").put("train", 0);
        new RunDirectory(fs(), dir).complete(m);
        return dir;
    }

    static ComputationGraph build(ModelBlueprint bp, String... taps) {
        Map<String, ILossFunction> losses = new LinkedHashMap<>();
        for (String t : taps) losses.put(t, new LossL2());
        ComputationGraph net = new ComputationGraph(bp.withLossOutputs(losses));
        net.init();
        return net;
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @Test
    void detectionWritesCocoResultsInOriginalPixelsWithTheStatsCocoEvalComputes() throws Exception {
        Distill4jConfig c = job.config(
                "dataset.kind=coco",
                "dataset.root=\"" + job.sample().resolve("coco") + "\"",
                "dataset.splits=[val2017]",
                "shard.height=48",
                "shard.width=48",
                "shard.output=\"" + job.work().resolve("coco-shards") + "\"",
                "evaluate.split=val2017",
                "evaluate.max-detections=1000",
                "evaluate.score-threshold=0.1",
                "evaluate.overlays=2");
        new ShardJob(job.spark(), c.dataset(), c.shard()).run();
        JsonNode categories = Manifest.read(
                        fs(), new Path(job.work().resolve("coco-shards").toUri()))
                .path("categories");
        int[] ids = new int[categories.size()];
        for (JsonNode cat : categories)
            ids[cat.path("index").asInt()] = cat.path("id").asInt();
        assertEquals(HEATMAP_BIAS.length, ids.length, "the sample has five categories");

        ModelSpec spec =
                new ModelSpec(Task.DETECTION, "det-test", 4, 1, 4, ids.length, 48, 48, 3L, ContextHead.NONE, 1e-3);
        ComputationGraph net = build(DetectionModel.blueprint(spec), "heatmap", "reg");
        // Zero kernels: each head outputs its bias in every cell, so every cell of every class is a
        // (plateau) peak and the detections are a known tiling of the image.
        net.getLayer("heatmap").getParam("W").assign(0);
        net.getLayer("heatmap")
                .getParam("b")
                .assign(Nd4j.createFromArray(HEATMAP_BIAS).reshape(1, ids.length));
        net.getLayer("reg").getParam("W").assign(0);
        net.getLayer("reg")
                .getParam("b")
                .assign(Nd4j.createFromArray(BOX_W_CELLS, BOX_H_CELLS, 0.5f, 0.5f)
                        .reshape(1, 4));
        Path dir = saveModel("det", net, 48, 48);

        EvaluateJob.Evaluated e = new EvaluateJob(job.spark(), c, QUIET).evaluate("det", dir);
        java.nio.file.Path report = job.work().resolve("det/report");
        ObjectMapper json = new ObjectMapper();

        // metrics.json: the detection contract
        JsonNode m = json.readTree(report.resolve("metrics.json").toFile());
        assertEquals("detection", m.path("task").asText());
        assertEquals("det", m.path("model").asText());
        assertEquals("val2017", m.path("split").asText());
        assertEquals(12, m.path("stats").size());
        assertEquals(m.path("stats").get(0).asDouble(), m.path("AP").asDouble());
        assertEquals(m.path("stats").get(8).asDouble(), m.path("AR100").asDouble());
        assertEquals("detection", e.task());

        // detections.json: COCO results with original ids and boxes in original (96x96) pixels
        JsonNode gtFile = json.readTree(
                job.sample().resolve("coco/annotations/instances_val2017.json").toFile());
        Set<Long> imageIds = new HashSet<>();
        gtFile.path("images").forEach(i -> imageIds.add(i.path("id").asLong()));
        JsonNode dets =
                json.readTree(report.resolve(EvaluateJob.DETECTIONS_FILE).toFile());
        int cells = 12 * 12; // 48 / stride 4
        // scores sigmoid(-1) = 0.27 ... sigmoid(1) = 0.73 all pass the 0.1 threshold
        assertEquals(imageIds.size() * ids.length * cells, dets.size());
        Map<String, Set<String>> tiles = new HashMap<>();
        for (JsonNode d : dets) {
            List<String> keys = new ArrayList<>();
            d.fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("image_id", "category_id", "bbox", "score"), keys, d.toString());
            assertTrue(imageIds.contains(d.path("image_id").asLong()), d.toString());
            int index = Arrays.stream(ids)
                    .boxed()
                    .toList()
                    .indexOf(d.path("category_id").asInt());
            assertTrue(index >= 0, "an original category id: " + d);
            assertEquals(sigmoid(HEATMAP_BIAS[index]), d.path("score").asDouble(), 1e-6, d.toString());
            JsonNode b = d.path("bbox");
            // centre (cell + 0.5) * 4 shard px = 8 * cell + 4 original px (96 / 48 = 2), size cells * 8
            double w = BOX_W_CELLS * 8;
            double h = BOX_H_CELLS * 8;
            assertEquals(w, b.get(2).asDouble(), 1e-4, d.toString());
            assertEquals(h, b.get(3).asDouble(), 1e-4, d.toString());
            double cx = (b.get(0).asDouble() + w / 2 - 4) / 8;
            double cy = (b.get(1).asDouble() + h / 2 - 4) / 8;
            assertEquals(Math.rint(cx), cx, 1e-4, "x = 8 * cell + 4 - w / 2: " + d);
            assertEquals(Math.rint(cy), cy, 1e-4, "y = 8 * cell + 4 - h / 2: " + d);
            tiles.computeIfAbsent(d.path("image_id").asLong() + "/" + index, k -> new HashSet<>())
                    .add((int) Math.rint(cx) + "," + (int) Math.rint(cy));
        }
        assertEquals(imageIds.size() * ids.length, tiles.size());
        tiles.forEach((k, v) -> assertEquals(cells, v.size(), "every cell once for " + k));

        // the standalone coco-eval on the instances file and detections.json gives the same numbers
        java.nio.file.Path statsFile = job.dir().resolve("coco-eval-stats.json");
        int rc = io.distill4j.cli.Cli.execute(
                new CocoEvalCommand(QUIET, QUIET),
                List.of(
                        "--gt",
                        job.sample()
                                .resolve("coco/annotations/instances_val2017.json")
                                .toString(),
                        "--results",
                        report.resolve(EvaluateJob.DETECTIONS_FILE).toString(),
                        "--out",
                        statsFile.toString()),
                QUIET,
                QUIET);
        assertEquals(0, rc);
        JsonNode standalone = json.readTree(statsFile.toFile()).path("stats");
        for (int i = 0; i < 12; i++) {
            assertEquals(standalone.get(i).asDouble(), m.path("stats").get(i).asDouble(), 1e-9, "stat " + i);
        }
        assertTrue(
                m.path("AP50").asDouble() > 0,
                "the tiling finds the sample's objects at IoU 0.5, so the comparison is not all zeros: " + m);

        // table, summary and pictures
        assertTrue(Files.readString(report.resolve("per_class.csv")).contains("AP50,"));
        assertTrue(Files.readString(report.resolve("summary.txt")).contains("Average Precision"));
        assertEquals(
                ids.length + 1,
                Files.readAllLines(report.resolve("per_category.csv")).size());
        try (var s = Files.list(report.resolve("samples"))) {
            assertEquals(2, s.filter(p -> p.toString().endsWith("_strip.png")).count());
        }
        assertEquals(2, e.detections().size());

        // a segmentation model on COCO shards is refused before any Spark job, naming the model file
        ModelSpec segSpec =
                new ModelSpec(Task.SEGMENTATION, "seg-on-coco", 4, 1, 4, 19, 48, 48, 5L, ContextHead.NONE, 1e-3);
        Path wrong = saveModel("seg-on-coco", build(SegmentationModel.blueprint(segSpec), "logits"), 48, 48);
        var refused = org.junit.jupiter.api.Assertions.assertThrows(
                io.distill4j.storage.StageOutputException.class,
                () -> new EvaluateJob(job.spark(), c, QUIET).evaluate("seg-on-coco", wrong));
        assertTrue(
                refused.getMessage().contains("seg-on-coco/teacher.zip")
                        && refused.getMessage().contains("'heatmap'"),
                refused.getMessage());

        // the comparison table of `evaluate` shows the detection headline numbers
        String table = PipelineReport.write(job.spark(), c, List.of(e));
        assertTrue(table.startsWith("| model | seeds | AP | AP50 | AP vs baseline |"), table);
        assertTrue(
                table.contains(String.format(
                        java.util.Locale.ROOT,
                        "| det | 1 | %.2f | %.2f |",
                        100 * m.path("AP").asDouble(),
                        100 * m.path("AP50").asDouble())),
                table);
    }

    @Test
    void theCallersJobGroupIsRestoredAfterAnEvaluationAndAfterAFailedOne() throws Exception {
        var sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
                job.spark().sparkContext());
        sc.setJobGroup("PIPELINE", "the whole pipeline", true);
        try {
            evaluateSegmentation("seg-groups", 32, 64);
            assertEquals("PIPELINE", sc.getLocalProperty(StageRun.GROUP_ID));
            assertEquals("the whole pipeline", sc.getLocalProperty(StageRun.GROUP_DESCRIPTION));
            // the job group was set by the evaluation above; this one fails inside its run (no model there)
            Distill4jConfig c = job.config(
                    "dataset.splits=[val]", "shard.output=\"" + job.work().resolve("seg-groups-shards") + "\"");
            Path none = new Path(job.work().resolve("no-model").toUri());
            org.junit.jupiter.api.Assertions.assertThrows(
                    RuntimeException.class, () -> new EvaluateJob(job.spark(), c, QUIET).evaluate("none", none));
            assertEquals("PIPELINE", sc.getLocalProperty(StageRun.GROUP_ID));
            assertEquals("true", sc.getLocalProperty(StageRun.GROUP_INTERRUPT));
        } finally {
            sc.clearJobGroup();
        }
    }

    /** Shards cityscapes val at {@code height x width}, evaluates a random segmentation net with export on. */
    static EvaluateJob.Evaluated evaluateSegmentation(String name, int height, int width) throws Exception {
        Distill4jConfig c = job.config(
                "dataset.splits=[val]",
                "shard.height=" + height,
                "shard.width=" + width,
                "shard.output=\"" + job.work().resolve(name + "-shards") + "\"",
                "evaluate.export-predictions=true");
        new ShardJob(job.spark(), c.dataset(), c.shard()).run();
        ModelSpec spec =
                new ModelSpec(Task.SEGMENTATION, "seg-test", 4, 1, 4, 19, height, width, 5L, ContextHead.NONE, 1e-3);
        ComputationGraph net = build(SegmentationModel.blueprint(spec), "logits");
        return new EvaluateJob(job.spark(), c, QUIET).evaluate(name, saveModel(name, net, height, width));
    }

    static List<ShardRecord> valRecords(String name) {
        return Shards.open(job.spark(), job.work().resolve(name + "-shards").toString())
                .records("val")
                .collect();
    }

    @Test
    void exportedLabelIdPngsGiveTheJobsMiouUnderCityscapesEval() throws Exception {
        // shards at the sample's own 128x64, so the job and cityscapes-eval score the same pixels
        EvaluateJob.Evaluated e = evaluateSegmentation("seg-full", 64, 128);
        java.nio.file.Path predictions = job.work().resolve("seg-full/report").resolve(EvaluateJob.PREDICTIONS_DIR);
        try (var s = Files.list(predictions)) {
            assertEquals(
                    4,
                    s.filter(p -> p.getFileName().toString().endsWith("_leftImg8bit.png"))
                            .count());
        }
        SegmentationMetrics official =
                CityscapesEvalCommand.evaluate(job.sample().resolve("cityscapes/gtFine/val"), predictions);
        assertEquals(e.metrics().totalPixels(), official.totalPixels());
        assertArrayEquals(e.metrics().iou(), official.iou(), 1e-12);
        assertEquals(e.metrics().meanIou(), official.meanIou(), 1e-12);
        assertTrue(
                e.metrics().meanIou() > 0,
                "a model that gets some pixels right: " + e.metrics().meanIou());
    }

    @Test
    void exportedPngsHoldThePredictedLabelIdsAtTheOriginalSize() throws Exception {
        EvaluateJob.Evaluated e = evaluateSegmentation("seg-small", 32, 64);
        java.nio.file.Path predictions = job.work().resolve("seg-small/report").resolve(EvaluateJob.PREDICTIONS_DIR);
        assertEquals(4, e.samples().size());
        for (int i = 0; i < e.samples().size(); i++) {
            ShardRecord r = e.samples().get(i);
            LabelPng.Labels png = LabelPng.read(predictions.resolve(LabelIdPredictions.fileName(r.sourceUri())));
            assertEquals(128, png.width(), r.sampleId());
            assertEquals(64, png.height(), r.sampleId());
            // e.predictions() come from the driver in other minibatches than the executors used; the
            // logits were measured bitwise equal across batch sizes 1, 2 and 4, so the maps must be equal.
            byte[] expected = LabelIdPredictions.labelIds(e.predictions().get(i), 32, 64, 64, 128);
            assertArrayEquals(expected, png.values(), r.sampleId());
        }
        assertEquals(4, valRecords("seg-small").size());
    }
}
