package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.cli.Main;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.eval.SegmentationMetrics;
import io.distill4j.eval.coco.CocoDetection;
import io.distill4j.eval.coco.CocoEvaluator;
import io.distill4j.eval.coco.CocoGroundTruth;
import io.distill4j.eval.coco.CocoGt;
import io.distill4j.eval.coco.CocoStats;
import io.distill4j.eval.detect.DetectorClasses;
import io.distill4j.eval.detect.ShardBoxes;
import io.distill4j.onnx.OnnxModelSettings;
import io.distill4j.onnx.export.ExportOnnxCommand;
import io.distill4j.onnx.export.OrtSupport;
import io.distill4j.train.Examples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The student a real distill run trained on the sample (local[2], baseline, no teacher), written
 * as student.onnx by {@code distill.export-onnx = true}: its file is in the run and the manifest,
 * and ONNX Runtime's arg-max predictions on the val shards score the same mIoU as DL4J's through
 * the project's confusion matrix; the CenterNet student trained on the COCO half gives the same
 * detections and COCOeval numbers. {@code export-onnx} writes the same file from student.zip.
 */
@Tag("spark")
class StudentOnnxJobTest {
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample()
            .with("distill.run-id=base", "distill.terms=[]", "train.epochs=3", "distill.export-onnx=true")
            .sharded();

    static Distill4jConfig config;
    static Distill4jConfig coco;

    @BeforeAll
    static void trainOneStudent() throws Exception {
        config = job.config();
        job.distill();
        // The COCO half of the same sample: a CenterNet student at 32x32 (an 8x8 grid at stride 4).
        coco = SparkTestSupport.config(
                job.work(),
                job.sample(),
                "dataset.kind=coco",
                "dataset.root=\"" + job.sample().resolve("coco") + "\"",
                "dataset.splits=[train2017, val2017]",
                "shard.height=32",
                "shard.width=32",
                "shard.output=\"" + job.work().resolve("coco-shards") + "\"",
                "distill.runs-dir=\"" + job.work().resolve("coco-runs") + "\"",
                "distill.run-id=det",
                "distill.terms=[]",
                "train.epochs=3",
                "distill.export-onnx=true",
                "evaluate.split=val2017");
        new ShardJob(job.spark(), coco.dataset(), coco.shard()).run();
        new DistillJob(job.spark(), coco, false, QUIET).run();
    }

    @Test
    void theRunHoldsStudentOnnxAndItsManifestNamesIt() throws Exception {
        java.nio.file.Path run = job.work().resolve("runs/base");
        assertTrue(Files.isRegularFile(run.resolve(DistillJob.STUDENT_ONNX_FILE)));
        JsonNode manifest =
                new ObjectMapper().readTree(run.resolve("_manifest.json").toFile());
        assertEquals(DistillJob.STUDENT_ONNX_FILE, manifest.path("onnx").asText());
        Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(run.resolve(DistillJob.STUDENT_ONNX_FILE)));
        assertEquals(
                32,
                m.getGraph()
                        .getInput(0)
                        .getType()
                        .getTensorType()
                        .getShape()
                        .getDim(2)
                        .getDimValue());
        assertEquals(
                64,
                m.getGraph()
                        .getInput(0)
                        .getType()
                        .getTensorType()
                        .getShape()
                        .getDim(3)
                        .getDimValue());
    }

    @Test
    void onnxRuntimePredictionsScoreTheSameMiouAsDl4jOnTheValShards() throws Exception {
        java.nio.file.Path run = job.work().resolve("runs/base");
        ComputationGraph student = ModelSerializer.restoreComputationGraph(
                run.resolve("student.zip").toFile(), false);
        byte[] onnx = Files.readAllBytes(run.resolve(DistillJob.STUDENT_ONNX_FILE));
        List<ShardRecord> val =
                Shards.open(job.spark(), config.shard().output()).records("val").collect();
        assertEquals(4, val.size());

        List<byte[]> dl4j = SegmentationPredictor.predict(student, val, 3);
        INDArray input = Nd4j.concat(0, val.stream().map(Examples::image).toArray(INDArray[]::new));
        INDArray logits = OrtSupport.run(onnx, input).get("logits");
        OrtSupport.assertClose(student.feedForward(input, false).get("logits"), logits, "val logits");

        SegmentationMetrics fromDl4j = new SegmentationMetrics(CityscapesLabels.NUM_CLASSES);
        SegmentationMetrics fromOrt = new SegmentationMetrics(CityscapesLabels.NUM_CLASSES);
        long differing = 0;
        java.util.Set<Integer> predicted = new java.util.TreeSet<>();
        for (int i = 0; i < val.size(); i++) {
            ShardRecord r = val.get(i);
            float[] l = logits.get(NDArrayIndex.point(i)).dup('c').data().asFloat();
            byte[] ort = SegmentationPredictor.argmaxUpsampled(
                    l, (int) logits.size(1), (int) logits.size(2), (int) logits.size(3), r.height(), r.width());
            fromDl4j.add(r.segmentation().trainIds(), dl4j.get(i));
            fromOrt.add(r.segmentation().trainIds(), ort);
            for (int p = 0; p < ort.length; p++) {
                if (ort[p] != dl4j.get(i)[p]) differing++;
                predicted.add(ort[p] & 0xFF);
            }
        }
        assertTrue(predicted.size() > 1, "a student predicting one class proves little: " + predicted);
        assertEquals(0, differing, "pixels whose arg-max differs between DL4J and ONNX Runtime");
        assertEquals(fromDl4j.meanIou(), fromOrt.meanIou(), 1e-12);
        assertEquals(fromDl4j.pixelAccuracy(), fromOrt.pixelAccuracy(), 1e-12);
    }

    @Test
    void evaluateScoresTheExportedStudentOnnxLikeItsStudentZip() throws Exception {
        // What a user runs: evaluate on the run (DL4J) and evaluate --model student.onnx (ONNX Runtime).
        EvaluateJob evaluate = new EvaluateJob(job.spark(), config, QUIET);
        java.nio.file.Path run = job.work().resolve("runs/base");
        EvaluateJob.Evaluated dl4j = evaluate.evaluate("base", new Path(run.toUri()));
        EvaluateJob.Evaluated onnx = evaluate.evaluateOnnx(
                "base-onnx",
                OnnxModelSettings.fromFile(
                        run.resolve(DistillJob.STUDENT_ONNX_FILE).toString()),
                "evaluate --model",
                new Path(job.work().resolve("base-onnx-report").toUri()),
                null,
                null);
        assertEquals(dl4j.metrics().meanIou(), onnx.metrics().meanIou(), 1e-12);
        assertEquals(dl4j.metrics().pixelAccuracy(), onnx.metrics().pixelAccuracy(), 1e-12);
    }

    @Test
    void evaluateScoresTheExportedDetectorOnnxLikeItsStudentZip() throws Exception {
        EvaluateJob evaluate = new EvaluateJob(job.spark(), coco, QUIET);
        java.nio.file.Path run = job.work().resolve("coco-runs/det");
        EvaluateJob.Evaluated dl4j = evaluate.evaluate("det", new Path(run.toUri()));
        EvaluateJob.Evaluated onnx = evaluate.evaluateOnnx(
                "det-onnx",
                OnnxModelSettings.fromFile(
                        run.resolve(DistillJob.STUDENT_ONNX_FILE).toString()),
                "evaluate --model",
                new Path(job.work().resolve("det-onnx-report").toUri()),
                null,
                null);
        for (String k : new String[] {"AP", "AP50", "AP75", "AR100"}) {
            assertEquals(dl4j.stats().get(k), onnx.stats().get(k), 1e-9, k);
        }
        // an untrained detector's AP may be 0 for both; its detections on the shown images must agree too
        int shown = dl4j.detections().stream().mapToInt(List::size).sum();
        assertTrue(shown > 0, "the detector returned no detections on the shown images");
        assertEquals(shown, onnx.detections().stream().mapToInt(List::size).sum());
    }

    @Test
    void onnxRuntimeDetectionsScoreTheSameCocoStatsAsDl4jOnTheValShards() throws Exception {
        java.nio.file.Path run = job.work().resolve("coco-runs/det");
        ComputationGraph student = ModelSerializer.restoreComputationGraph(
                run.resolve("student.zip").toFile(), false);
        byte[] onnx = Files.readAllBytes(run.resolve(DistillJob.STUDENT_ONNX_FILE));
        Shards shards = Shards.open(job.spark(), coco.shard().output());
        List<ShardRecord> val = shards.records("val2017").collect();
        DetectorClasses classes = DetectorClasses.fromManifest(shards.manifest().categories(), "coco shards");
        DetectionPredictor predictor = new DetectionPredictor(classes.categoryIds(), 100, 0.01);

        List<List<CocoDetection>> dl4j = predictor.predict(student, val, 2);
        INDArray input = Nd4j.concat(0, val.stream().map(Examples::image).toArray(INDArray[]::new));
        Map<String, INDArray> ort = OrtSupport.run(onnx, input);
        Map<String, INDArray> reference = student.feedForward(input, false);
        OrtSupport.assertClose(reference.get("heatmap"), ort.get("heatmap"), "val heatmap");
        OrtSupport.assertClose(reference.get("reg"), ort.get("reg"), "val reg");

        List<Long> imageIds = new ArrayList<>();
        List<CocoGt> gts = new ArrayList<>();
        List<CocoDetection> fromDl4j = new ArrayList<>();
        List<CocoDetection> fromOrt = new ArrayList<>();
        INDArray heat = ort.get("heatmap");
        int h = (int) heat.size(2);
        int w = (int) heat.size(3);
        for (int i = 0; i < val.size(); i++) {
            ShardRecord r = val.get(i);
            imageIds.add(r.detection().imageId());
            gts.addAll(ShardBoxes.groundTruth(r));
            fromDl4j.addAll(dl4j.get(i));
            fromOrt.addAll(predictor.decode(
                    r,
                    heat.get(NDArrayIndex.point(i)).dup('c').data().asFloat(),
                    ort.get("reg").get(NDArrayIndex.point(i)).dup('c').data().asFloat(),
                    h,
                    w));
        }
        assertTrue(fromOrt.size() > 0, "no detections to compare");
        assertEquals(fromDl4j.size(), fromOrt.size(), "detections");
        for (int i = 0; i < fromDl4j.size(); i++) {
            CocoDetection a = fromDl4j.get(i);
            CocoDetection b = fromOrt.get(i);
            assertEquals(a.imageId(), b.imageId());
            assertEquals(a.categoryId(), b.categoryId());
            assertEquals(a.score(), b.score(), 1e-4, "score of detection " + i);
            assertEquals(a.x(), b.x(), 1e-2);
            assertEquals(a.w(), b.w(), 1e-2);
        }
        CocoGroundTruth gt = CocoGroundTruth.of(imageIds, classes.names(), gts);
        CocoStats a = CocoEvaluator.evaluate(gt, fromDl4j);
        CocoStats b = CocoEvaluator.evaluate(gt, fromOrt);
        assertArrayEquals(a.stats(), b.stats(), 1e-9, "the twelve COCOeval numbers");
    }

    @Test
    void exportOnnxCommandWritesTheSameModelFromStudentZip() throws Exception {
        java.nio.file.Path run = job.work().resolve("runs/base");
        java.nio.file.Path out = job.dir().resolve("cli/student.onnx");
        Files.createDirectories(out.getParent());
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream cliOut = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        int code = io.distill4j.cli.Cli.execute(
                new ExportOnnxCommand(cliOut, QUIET),
                List.of("--model", run.resolve("student.zip").toString(), "--out", out.toString()),
                cliOut,
                QUIET);
        assertEquals(0, code);
        assertTrue(
                stdout.toString(StandardCharsets.UTF_8).contains("logits (19 channels, stride 4)"), stdout.toString());
        // Same graph and weights as the file the distill job wrote (the producer version may differ only in builds).
        Onnx.GraphProto fromJob = Onnx.ModelProto.parseFrom(
                        Files.readAllBytes(run.resolve(DistillJob.STUDENT_ONNX_FILE)))
                .getGraph();
        Onnx.GraphProto fromCli =
                Onnx.ModelProto.parseFrom(Files.readAllBytes(out)).getGraph();
        assertEquals(fromJob.getInputList(), fromCli.getInputList());
        assertEquals(fromJob.getOutputList(), fromCli.getOutputList());
        assertEquals(fromJob.getNodeList(), fromCli.getNodeList());
        assertEquals(fromJob.getInitializerList(), fromCli.getInitializerList());
    }

    @Test
    void helpListsExportOnnx() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        assertEquals(0, Main.run(List.of("--help"), new PrintStream(stdout, true, StandardCharsets.UTF_8), QUIET));
        assertTrue(stdout.toString(StandardCharsets.UTF_8).contains("  export-onnx "), stdout.toString());
    }

    @Test
    void exportOnnxCommandNamesAMissingModelInOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                List.of(
                        "export-onnx",
                        "--model",
                        job.dir().resolve("nope/student.zip").toString()),
                QUIET,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        String first = err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
        assertTrue(first.contains("nope/student.zip") && first.contains("does not exist"), first);
    }
}
