package io.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.util.NativeSetup;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** The oneDNN helpers must change speed only: forward, score, gradients and one step agree. */
class OneDnnHelperEquivalenceTest {

    @BeforeAll
    static void init() {
        NativeSetup.init(2, true);
    }

    @AfterAll
    static void restore() {
        NativeSetup.setLayerHelpersEnabled(true);
    }

    @Test
    void segmentationTeacherAgreesWithAndWithoutHelpers() {
        check(ModelBlueprint.of(ModelSpec.segmentationTeacher(4, 32, 32)));
    }

    @Test
    void segmentationStudentAgreesWithAndWithoutHelpers() {
        check(ModelBlueprint.of(ModelSpec.segmentationStudent(4, 32, 32)));
    }

    @Test
    void detectionStudentAgreesWithAndWithoutHelpers() {
        check(ModelBlueprint.of(ModelSpec.detectionStudent(3, 32, 32)));
    }

    /** The thread count (NativeSetup.setThreads, per Spark task) changes speed only. */
    @Test
    void segmentationStudentAgreesWithOneAndTwoThreads() {
        ModelBlueprint blueprint = ModelBlueprint.of(ModelSpec.segmentationStudent(4, 32, 32));
        ComputationGraphConfiguration conf = TestGraphs.withBuiltInLosses(blueprint);
        Nd4j.getRandom().setSeed(7);
        INDArray image = Nd4j.randn(2, 3, 32, 32);
        INDArray[] labels = labels(blueprint, 2);
        double[] scores = new double[2];
        INDArray[] gradients = new INDArray[2];
        int[] threads = {1, 2};
        try {
            for (int i = 0; i < 2; i++) {
                NativeSetup.setThreads(threads[i]);
                assertEquals(threads[i], NativeSetup.status().threads());
                ComputationGraph net = TestGraphs.init(conf.clone());
                net.setInputs(image);
                net.setLabels(labels);
                net.computeGradientAndScore();
                scores[i] = net.score();
                gradients[i] = net.gradient().gradient().dup();
            }
        } finally {
            NativeSetup.setThreads(2);
        }
        assertEquals(scores[0], scores[1], 1e-5 * Math.abs(scores[0]), "score");
        assertClose(gradients[0], gradients[1], 1e-4, "gradient with 1 vs 2 threads");
    }

    private static void check(ModelBlueprint blueprint) {
        ComputationGraphConfiguration conf = TestGraphs.withBuiltInLosses(blueprint);
        NativeSetup.setLayerHelpersEnabled(false);
        ComputationGraph plain = TestGraphs.init(conf.clone());
        NativeSetup.setLayerHelpersEnabled(true);
        ComputationGraph fast = TestGraphs.init(conf.clone());
        assertNull(((ConvolutionLayer) plain.getLayer("stem_conv")).getHelper());
        assertInstanceOf(MKLDNNConvHelper.class, ((ConvolutionLayer) fast.getLayer("stem_conv")).getHelper());
        assertEquals(plain.params(), fast.params(), "same seed must give the same initial parameters");

        ModelSpec spec = blueprint.spec();
        Nd4j.getRandom().setSeed(123);
        INDArray image = Nd4j.randn(2, 3, spec.inputHeight(), spec.inputWidth());
        MultiDataSet batch = new MultiDataSet(new INDArray[] {image}, labels(blueprint, 2));
        String name = spec.name();

        INDArray[] outPlain = plain.output(image);
        INDArray[] outFast = fast.output(image);
        for (int i = 0; i < outPlain.length; i++) {
            assertClose(outPlain[i], outFast[i], 1e-4, name + " forward output " + i);
        }

        plain.setInputs(image);
        plain.setLabels(batch.getLabels());
        plain.computeGradientAndScore();
        fast.setInputs(image);
        fast.setLabels(batch.getLabels());
        fast.computeGradientAndScore();
        assertEquals(plain.score(), fast.score(), 1e-4 * Math.abs(plain.score()), name + " score");
        assertClose(plain.gradient().gradient(), fast.gradient().gradient(), 2e-3, name + " gradient");

        plain.fit(batch);
        fast.fit(batch);
        // Adam's first step moves each parameter by about lr * sign(gradient): a gradient within
        // float noise of zero may flip sign between the paths and move by up to 2 * lr. Anything
        // larger is a real difference; and nearly every parameter must agree closely.
        double lr = spec.learningRate();
        INDArray stepDiff = Nd4j.math().abs(plain.params().sub(fast.params()));
        assertTrue(
                stepDiff.maxNumber().doubleValue() <= 2 * lr * 1.01,
                name + " step differs by " + stepDiff.maxNumber() + " > 2 * lr");
        long farApart = stepDiff.gt(1e-5)
                .castTo(org.nd4j.linalg.api.buffer.DataType.INT)
                .sumNumber()
                .longValue();
        assertTrue(
                farApart <= plain.numParams() / 1000,
                name + ": " + farApart + " of " + plain.numParams()
                        + " parameters differ by more than 1e-5 after one step");
    }

    static INDArray[] labels(ModelBlueprint blueprint, int batch) {
        if (blueprint.spec().task() == Task.SEGMENTATION) {
            TapInfo logits = blueprint.tap("logits");
            INDArray classes = Nd4j.rand(batch, 1, logits.height(), logits.width())
                    .muli(logits.channels())
                    .castTo(org.nd4j.linalg.api.buffer.DataType.INT);
            INDArray oneHot = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, logits.shape(batch));
            for (int c = 0; c < logits.channels(); c++) {
                oneHot.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                        .assign(classes.get(
                                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                        org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                                .eq(c)
                                .castTo(oneHot.dataType()));
            }
            return new INDArray[] {oneHot};
        }
        return List.of("heatmap", "reg").stream()
                .map(t -> Nd4j.rand(blueprint.tap(t).shape(batch)))
                .toArray(INDArray[]::new);
    }

    /** max |a-b| <= tol * max(1, max |a|). */
    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tol * scale, what + ": max abs diff " + diff + " > " + tol + " * " + scale);
        assertEquals(0, actual.scan(Conditions.isNan()).intValue(), what + " has NaN");
    }
}
