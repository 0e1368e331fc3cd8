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
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
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
 * The off-heap rule: it grows with batch and pixels, corrects DL4J's Upsampling2D figure, and covers
 * every off-heap figure docs/performance.md section 15 measured for conf/bench-cityscapes.conf's
 * models at 512x1024 (pre-touched heap, so peak RSS minus -Xmx is exactly the memory outside it).
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
        return OffHeapEstimate.need(OffHeapEstimate.dl4jBytes(conf, use, batch, InputType.convolutional(512, 1024, 3)));
    }

    @Test
    void theRuleCoversEveryMeasuredStageAndStaysWithinOneAndAHalfTimesTheTrainingOnes() {
        // {stage, batch, MiB outside the heap measured}: section 15, "outside the heap" table.
        record Point(String stage, ComputationGraphConfiguration conf, OffHeapEstimate.Use use, int batch, long mib) {}
        ComputationGraphConfiguration teacher = teacherTraining(512, 1024);
        ComputationGraphConfiguration student = studentDistill(512, 1024);
        List<Point> training = List.of(
                new Point("train-teacher", teacher, OffHeapEstimate.Use.TRAINING, 4, 8_135),
                new Point("train-teacher", teacher, OffHeapEstimate.Use.TRAINING, 8, 11_437),
                new Point("distill", student, OffHeapEstimate.Use.TRAINING, 4, 3_101),
                new Point("distill", student, OffHeapEstimate.Use.TRAINING, 8, 4_274));
        List<Point> inference = List.of(
                new Point("cache-teacher", teacher, OffHeapEstimate.Use.INFERENCE, 4, 1_454),
                new Point("cache-teacher", teacher, OffHeapEstimate.Use.INFERENCE, 8, 1_457));
        for (Point p : training) {
            long need = need(p.conf(), p.use(), p.batch());
            String what = p.stage() + " batch " + p.batch() + ": estimate " + need / MIB + " MiB, measured " + p.mib();
            assertTrue(need >= p.mib() * MIB, what);
            assertTrue(need <= 1.5 * p.mib() * MIB, what);
        }
        for (Point p : inference) {
            long need = need(p.conf(), p.use(), p.batch());
            assertTrue(need >= p.mib() * MIB, p.stage() + " batch " + p.batch() + ": " + need / MIB + " MiB");
        }
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
        assertTrue(OffHeapEstimate.need(b8) > OffHeapEstimate.need(b4));
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
    void needIsTheFixedPartPlusTheFactorTimesDl4jsFigure() {
        assertEquals(2L << 30, OffHeapEstimate.need(0));
        assertEquals((2L << 30) + 1250, OffHeapEstimate.need(1000));
        assertThrows(IllegalArgumentException.class, () -> OffHeapEstimate.need(-1));
        ComputationGraphConfiguration conv = new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .addLayer("c", new ConvolutionLayer.Builder(3, 3).nIn(3).nOut(4).build(), "in")
                .setOutputs("c")
                .build();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> OffHeapEstimate.dl4jBytes(
                        conv, OffHeapEstimate.Use.TRAINING, 0, InputType.convolutional(8, 8, 3)));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
    }

    @Test
    void sizesPrintAsTheOneLineShowsThem() {
        assertEquals("384 MiB", OffHeapEstimate.size(384 * MIB));
        assertEquals("14.3 GiB", OffHeapEstimate.size((long) (14.3 * (1L << 30))));
    }
}
