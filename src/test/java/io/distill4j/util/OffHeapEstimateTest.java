package io.distill4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.train.Networks;
import io.distill4j.train.SegmentationObjective;
import java.io.File;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * The off-heap rule: it grows with batch and pixels, corrects DL4J's Upsampling2D figure, sizes a model
 * in ONNX Runtime by its weights and live activations, and covers every off-heap figure
 * docs/performance.md section 15 measured for conf/bench-cityscapes.conf's models at 512x1024 and
 * 256x512 (pre-touched heap, so peak RSS minus -Xmx is exactly the memory outside it).
 */
class OffHeapEstimateTest {
    private static final long MIB = 1L << 20;
    private static final Distill4jConfig BENCH = ConfigLoader.load(new File("conf/bench-cityscapes.conf"), List.of());

    private static ComputationGraphConfiguration teacherTraining(int h, int w) {
        ModelBlueprint t = Networks.teacher(BENCH, 19, h, w);
        return SegmentationObjective.of(t, Map.of(), List.of()).configuration();
    }

    /** distill's graph in the bench: student, task output and pixel-kd on the teacher's cached logits. */
    private static ComputationGraphConfiguration studentDistill(int h, int w) {
        ModelBlueprint t = Networks.teacher(BENCH, 19, h, w);
        ModelBlueprint s = Networks.student(BENCH, 19, h, w);
        return SegmentationObjective.of(
                        s,
                        Map.of("logits", t.taps().get("logits")),
                        BENCH.distill().terms(),
                        null,
                        t.taps())
                .configuration();
    }

    private static long need(ComputationGraphConfiguration conf, OffHeapEstimate.Use use, int batch) {
        return need(conf, use, batch, 512, 1024);
    }

    private static long need(ComputationGraphConfiguration conf, OffHeapEstimate.Use use, int batch, int h, int w) {
        return OffHeapEstimate.need(
                List.of(OffHeapEstimate.figure(conf, use, batch, InputType.convolutional(h, w, 3))));
    }

    /**
     * One measured run: the stage's models as the check counts them, at batch x height x width, and the
     * MiB its JVM held outside a pre-touched heap (docs/performance.md section 15's tables; "it" is the
     * training iterations the run made, which the resident memory grows with).
     */
    private record Point(String run, List<OffHeapEstimate.Figure> models, long mib, double atMost) {
        static Point of(
                String run,
                ComputationGraphConfiguration conf,
                OffHeapEstimate.Use use,
                int batch,
                int h,
                int w,
                long mib,
                double atMost) {
            return new Point(
                    run,
                    List.of(OffHeapEstimate.figure(conf, use, batch, InputType.convolutional(h, w, 3))),
                    mib,
                    atMost);
        }

        long need() {
            return OffHeapEstimate.need(models);
        }
    }

    @Test
    void theRuleCoversEveryMeasuredRunWithoutOverstatingItAbsurdly() {
        var training = OffHeapEstimate.Use.TRAINING;
        var dl4j = OffHeapEstimate.Use.INFERENCE;
        var onnx = OffHeapEstimate.Use.ONNX_RUNTIME;
        ComputationGraphConfiguration teacher512 = teacherTraining(512, 1024);
        ComputationGraphConfiguration student512 = studentDistill(512, 1024);
        ComputationGraphConfiguration teacher256 = teacherTraining(256, 512);
        ComputationGraphConfiguration student256 = studentDistill(256, 512);
        // Training: short bench runs sit far under the rule at 512x1024, which covers the longest run measured.
        List<Point> points = new java.util.ArrayList<>(List.of(
                Point.of("train-teacher 512x1024 b4, 2 it", teacher512, training, 4, 512, 1024, 8_135, 2.5),
                Point.of("train-teacher 512x1024 b4, 2 it (third run)", teacher512, training, 4, 512, 1024, 7_988, 2.5),
                Point.of("train-teacher 512x1024 b4, 6 it", teacher512, training, 4, 512, 1024, 9_058, 2.1),
                Point.of("train-teacher 512x1024 b8, 1 it", teacher512, training, 8, 512, 1024, 11_437, 3.1),
                Point.of("train-teacher 256x512 b4, 2 it", teacher256, training, 4, 256, 512, 3_953, 1.8),
                Point.of("train-teacher 256x512 b4, 6 it", teacher256, training, 4, 256, 512, 5_046, 1.5),
                Point.of("train-teacher 256x512 b4, 18 it", teacher256, training, 4, 256, 512, 5_666, 1.2),
                Point.of("train-teacher 256x512 b8, 1 it", teacher256, training, 8, 256, 512, 6_155, 1.8),
                Point.of("train-teacher 256x512 b8, 3 it", teacher256, training, 8, 256, 512, 7_922, 1.5),
                Point.of("distill 512x1024 b4, 2 it", student512, training, 4, 512, 1024, 3_101, 2.0),
                Point.of("distill 512x1024 b4, 2 it (third run)", student512, training, 4, 512, 1024, 3_148, 2.0),
                Point.of("distill 512x1024 b8, 1 it", student512, training, 8, 512, 1024, 4_274, 2.0),
                Point.of("distill at a 256x512 crop b4, 2 it", student256, training, 4, 256, 512, 1_318, 2.3),
                Point.of("distill 256x512 b4, 2 it", student256, training, 4, 256, 512, 1_272, 2.3),
                Point.of("distill 256x512 b4, 6 it", student256, training, 4, 256, 512, 1_401, 2.1),
                Point.of("distill 256x512 b8, 1 it", student256, training, 8, 256, 512, 1_763, 2.1),
                Point.of("distill 256x512 b8, 3 it", student256, training, 8, 256, 512, 2_072, 1.8),
                // Inference in DL4J (inference.engine = dl4j): its figure sums every vertex.
                Point.of("cache-teacher dl4j 256x512 b4", teacher256, dl4j, 4, 256, 512, 1_480, 2.0),
                Point.of("cache-teacher dl4j 256x512 b8", teacher256, dl4j, 8, 256, 512, 1_541, 2.4),
                // ONNX Runtime (the default engine); evaluate at the check's batch, its larger model (the teacher).
                Point.of("cache-teacher onnx 512x1024 b4", teacher512, onnx, 4, 512, 1024, 1_454, 1.2),
                Point.of("cache-teacher onnx 512x1024 b4 (third run)", teacher512, onnx, 4, 512, 1024, 1_442, 1.2),
                Point.of("cache-teacher onnx 512x1024 b8", teacher512, onnx, 8, 512, 1024, 1_457, 1.7),
                Point.of("evaluate onnx 512x1024 (2 images)", teacher512, onnx, 4, 512, 1024, 882, 1.8),
                Point.of("cache-teacher onnx 256x512 b4, 2 batches", teacher256, onnx, 4, 256, 512, 769, 1.4),
                Point.of("cache-teacher onnx 256x512 b4, 6 batches", teacher256, onnx, 4, 256, 512, 765, 1.4),
                Point.of("cache-teacher onnx 256x512 b8", teacher256, onnx, 8, 256, 512, 822, 1.5),
                Point.of("evaluate onnx 256x512 b4", teacher256, onnx, 4, 256, 512, 777, 1.4),
                Point.of("evaluate onnx 256x512 b8", teacher256, onnx, 8, 256, 512, 812, 1.5)));
        // distill with the teacher online in ONNX Runtime: both models in one task.
        InputType small = InputType.convolutional(256, 512, 3);
        points.add(new Point(
                "distill online teacher (onnx) 256x512 b4, 6 it",
                List.of(
                        OffHeapEstimate.figure(student256, training, 4, small),
                        OffHeapEstimate.figure(teacher256, onnx, 4, small)),
                1_660,
                2.0));
        StringBuilder table = new StringBuilder();
        for (Point p : points) {
            long need = p.need();
            table.append(String.format(
                    java.util.Locale.ROOT,
                    "%-48s measured %6d MiB, estimate %6d MiB, ratio %.2f%n",
                    p.run(),
                    p.mib(),
                    need / MIB,
                    need / (double) (p.mib() * MIB)));
        }
        for (Point p : points) {
            assertTrue(p.need() >= p.mib() * MIB, p.run() + " not covered:\n" + table);
            assertTrue(p.need() <= p.atMost() * p.mib() * MIB, p.run() + " overstated:\n" + table);
        }
        System.out.print(table);
    }

    @Test
    void theEstimateGrowsWithTheBatchAndThePixelsAndTrainingNeedsMoreThanInference() {
        ComputationGraphConfiguration student = studentDistill(256, 512);
        InputType small = InputType.convolutional(256, 512, 3);
        InputType large = InputType.convolutional(512, 1024, 3);
        long b4 = OffHeapEstimate.dl4jBytes(student, OffHeapEstimate.Use.TRAINING, 4, small);
        long b8 = OffHeapEstimate.dl4jBytes(student, OffHeapEstimate.Use.TRAINING, 8, small);
        long b4Large = OffHeapEstimate.dl4jBytes(student, OffHeapEstimate.Use.TRAINING, 4, large);
        long b4Inference = OffHeapEstimate.dl4jBytes(student, OffHeapEstimate.Use.INFERENCE, 4, small);
        // activations dominate: twice the batch or 4x the pixels is nearly twice or 4x the bytes
        assertTrue(b8 > 1.8 * b4 && b8 <= 2 * b4, b4 + " -> " + b8);
        assertTrue(b4Large > 3.5 * b4 && b4Large <= 4 * b4, b4 + " -> " + b4Large);
        assertTrue(b4Inference < b4, b4Inference + " vs " + b4);
        assertTrue(need(student, OffHeapEstimate.Use.TRAINING, 8, 256, 512)
                > need(student, OffHeapEstimate.Use.TRAINING, 4, 256, 512));
        // ONNX Runtime's figure too, and it stays under DL4J's inference figure (which sums every vertex).
        long o4 = OffHeapEstimate.onnxRuntimeBytes(student, 4, small);
        long o8 = OffHeapEstimate.onnxRuntimeBytes(student, 8, small);
        long o4Large = OffHeapEstimate.onnxRuntimeBytes(student, 4, large);
        assertTrue(o8 > 1.8 * o4 && o8 <= 2 * o4, o4 + " -> " + o8);
        assertTrue(o4Large > 3.5 * o4 && o4Large <= 4 * o4, o4 + " -> " + o4Large);
        assertTrue(OffHeapEstimate.liveActivationBytes(student, 4, small) < b4Inference);
    }

    /** Every backbone and both tasks: DL4J reports on each graph, so the check never skips one of distill4j's. */
    @Test
    void everyBackboneOfBothTasksHasAnEstimate() {
        for (String backbone :
                List.of("compact", "resnet18", "resnet34", "resnet50", "mobilenetv2", "mobilenetv2-0.5")) {
            String stride = backbone.equals("compact") ? "8" : "16";
            Distill4jConfig c = ConfigLoader.load(
                    null, List.of("model.teacher.backbone=" + backbone, "model.teacher.output-stride=" + stride));
            ComputationGraphConfiguration seg = SegmentationObjective.of(
                            Networks.teacher(c, 19, 256, 512), Map.of(), List.of())
                    .configuration();
            ComputationGraphConfiguration det = io.distill4j.train.DetectionObjective.of(
                            Networks.detectionTeacher(c, 80, 256, 256), new int[80])
                    .configuration();
            long segBytes = OffHeapEstimate.dl4jBytes(
                    seg, OffHeapEstimate.Use.TRAINING, 4, InputType.convolutional(256, 512, 3));
            long detBytes = OffHeapEstimate.dl4jBytes(
                    det, OffHeapEstimate.Use.TRAINING, 4, InputType.convolutional(256, 256, 3));
            // a figure, and a sane one: more than the batch's input, under 64 GiB at 256x512
            long input = 4L * 3 * 256 * 512 * 4;
            assertTrue(segBytes > input && segBytes < 64L << 30, backbone + " segmentation: " + segBytes);
            assertTrue(detBytes > input / 2 && detBytes < 64L << 30, backbone + " detection: " + detBytes);
        }
    }

    @Test
    void upsamplingCountsItsOutputNotTheImToColArrayDl4jReports() {
        // A pyramid-pooling branch: 1x1 upsampled to 64x128, as the bench teacher's ppm_bin1_up.
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(1, 1, 64))
                .addLayer(
                        "up",
                        new Upsampling2D.Builder().size(new int[] {64, 128}).build(),
                        "in")
                .addLayer(
                        "out",
                        new CnnLossLayer.Builder(new LossL2())
                                .activation(Activation.IDENTITY)
                                .build(),
                        "up")
                .setOutputs("out")
                .build();
        InputType in = InputType.convolutional(1, 1, 64);
        long dl4j =
                conf.getMemoryReport(in).getTotalMemoryBytes(4, MemoryUseMode.TRAINING, CacheMode.NONE, DataType.FLOAT);
        long ours = OffHeapEstimate.dl4jBytes(conf, OffHeapEstimate.Use.TRAINING, 4, in);
        long output = 4L * 64 * 64 * 128 * 4;
        assertTrue(dl4j > 1000L * output, "DL4J M2 reports " + dl4j);
        assertTrue(ours >= output && ours < 10 * output, "ours " + ours + ", output " + output);
    }

    @Test
    void needIsTheFixedPartPlusTheFactorTimesDl4jsFigurePlusOnnxRuntimesFigure() {
        var training = new OffHeapEstimate.Figure(OffHeapEstimate.Use.TRAINING, 1000);
        var inference = new OffHeapEstimate.Figure(OffHeapEstimate.Use.INFERENCE, 1000);
        var onnx = new OffHeapEstimate.Figure(OffHeapEstimate.Use.ONNX_RUNTIME, 1000);
        assertEquals((2L << 30) + 2750, OffHeapEstimate.need(List.of(training)));
        assertEquals((2L << 30) + 2750 + 1250, OffHeapEstimate.need(List.of(training, inference)));
        // ONNX Runtime alone: the smaller fixed part, its figure as it is.
        assertEquals(OffHeapEstimate.ONNX_FIXED_BYTES + 1000, OffHeapEstimate.need(List.of(onnx)));
        assertTrue(OffHeapEstimate.ONNX_FIXED_BYTES < OffHeapEstimate.FIXED_BYTES);
        // distill with an online teacher in ONNX Runtime: DL4J's fixed part, once.
        assertEquals((2L << 30) + 2750 + 1000, OffHeapEstimate.need(List.of(training, onnx)));
        assertThrows(IllegalArgumentException.class, () -> OffHeapEstimate.need(List.of()));
        assertThrows(
                IllegalArgumentException.class, () -> new OffHeapEstimate.Figure(OffHeapEstimate.Use.TRAINING, -1));
        ComputationGraphConfiguration conv = new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .addLayer("c", new ConvolutionLayer.Builder(3, 3).nIn(3).nOut(4).build(), "in")
                .setOutputs("c")
                .build();
        for (OffHeapEstimate.Use use : OffHeapEstimate.Use.values()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> OffHeapEstimate.figure(conv, use, 0, InputType.convolutional(8, 8, 3)));
            assertTrue(e.getMessage().contains("batch"), e.getMessage());
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> OffHeapEstimate.dl4jBytes(
                        conv, OffHeapEstimate.Use.ONNX_RUNTIME, 1, InputType.convolutional(8, 8, 3)));
    }

    /**
     * in (3x8x8) -> a (4x8x8) -> b (4x8x8); m = merge(a, b) (8x8x8) -> out (loss, 8x8x8). While m
     * runs, a, b and m are alive (in was last read by a): 1,024 floats per example, the peak.
     */
    @Test
    void liveActivationsAreTheLargestSetOfOutputsAForwardPassHoldsAtOnce() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer(
                        "a",
                        new ConvolutionLayer.Builder(3, 3)
                                .nOut(4)
                                .convolutionMode(ConvolutionMode.Same)
                                .build(),
                        "in")
                .addLayer(
                        "b",
                        new ConvolutionLayer.Builder(3, 3)
                                .nOut(4)
                                .convolutionMode(ConvolutionMode.Same)
                                .build(),
                        "a")
                .addVertex("m", new MergeVertex(), "a", "b")
                .addLayer(
                        "out",
                        new CnnLossLayer.Builder(new LossL2())
                                .activation(Activation.IDENTITY)
                                .build(),
                        "m")
                .setOutputs("out")
                .build();
        InputType in = InputType.convolutional(8, 8, 3);
        assertEquals(1024L * 4, OffHeapEstimate.liveActivationBytes(conf, 1, in));
        assertEquals(3 * 1024L * 4, OffHeapEstimate.liveActivationBytes(conf, 3, in));
        long weights = (3 * 3 * 3 * 4 + 4 + 3 * 3 * 4 * 4 + 4) * 4L;
        assertEquals(
                (long) Math.ceil(OffHeapEstimate.ONNX_WEIGHTS_FACTOR * weights
                        + OffHeapEstimate.ONNX_ACTIVATIONS_FACTOR * 3 * 1024 * 4),
                OffHeapEstimate.onnxRuntimeBytes(conf, 3, in));
    }

    @Test
    void sizesPrintAsTheOneLineShowsThem() {
        assertEquals("384 MiB", OffHeapEstimate.size(384 * MIB));
        assertEquals("14.3 GiB", OffHeapEstimate.size((long) (14.3 * (1L << 30))));
    }
}
