package io.distill4j.model.loss;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

class SegmentationCrossEntropyLossTest {

    private static final int K = 4;
    private static final int H = 2;
    private static final int W = 3;
    private static final int P = H * W;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    /** Example 0 ignores pixels 0 and 5, example 1 pixel 3. */
    private static double[][] labels() {
        return new double[][] {{255, 1, 3, 0, 2, 255}, {2, 2, 0, 255, 1, 3}};
    }

    @Test
    void scoreEqualsReferenceOverNonIgnoredPixels() {
        double[][] out = random(61, 2, K * P, 3.0);
        assertRelativelyEqual(
                0.4 * ReferenceLosses.segmentationCrossEntropy(out, labels(), K, P, 255),
                score(new SegmentationCrossEntropyLoss(K, H, W, 255, 0.4), array(labels()), array(out)),
                "CE");
    }

    @Test
    void ignoredPixelsContributeNothingAndGetZeroGradient() {
        SegmentationCrossEntropyLoss loss = new SegmentationCrossEntropyLoss(K, H, W);
        INDArray labels = array(labels());
        INDArray out = array(random(62, 2, K * P, 3.0));
        INDArray changed = out.dup();
        for (int c = 0; c < K; c++) {
            changed.putScalar(0, c * P, 40.0 * c);
            changed.putScalar(1, c * P + 3, -25.0 * c);
        }
        assertEquals(score(loss, labels, out), score(loss, labels, changed), 1e-12);
        INDArray gradient = loss.computeGradient(labels, changed, new ActivationIdentity(), null);
        assertEquals(loss.computeGradient(labels, out, new ActivationIdentity(), null), gradient);
        for (int c = 0; c < K; c++) {
            assertEquals(0.0, gradient.getDouble(0, c * P), 0.0);
            assertEquals(0.0, gradient.getDouble(0, c * P + 5), 0.0);
            assertEquals(0.0, gradient.getDouble(1, c * P + 3), 0.0);
        }
    }

    @Test
    void allIgnoredBatchScoresZero() {
        double[][] ignored = {{255, 255, 255, 255, 255, 255}};
        assertEquals(
                0.0,
                score(new SegmentationCrossEntropyLoss(K, H, W), array(ignored), array(random(63, 1, K * P, 3.0))),
                0.0);
    }

    @Test
    void unknownLabelIsReportedWithSampleAndPixel() {
        double[][] bad = labels();
        bad[1][4] = 7;
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class,
                () -> score(new SegmentationCrossEntropyLoss(K, H, W), array(bad), array(random(64, 2, K * P, 1.0))));
        assertTrue(error.getMessage().contains("sample 1 pixel 4"), error.getMessage());
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        assertGradientMatchesFiniteDifferences(
                new SegmentationCrossEntropyLoss(K, H, W, 255, 1.2), array(labels()), array(random(65, 2, K * P, 3.0)));
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(new SegmentationCrossEntropyLoss(K, H, W), 2, K, H, W, array(labels()));
    }
}
