package io.distill4j.model.loss;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

class MaskedL1LossTest {

    private static final int C = 2;
    private static final int H = 2;
    private static final int W = 3;
    private static final int P = H * W;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    /** Targets then a mask keeping pixels 1, 4 of example 0 and pixel 2 of example 1. */
    private static double[][] labels() {
        double[][] targets = random(81, 2, C * P, 3.0);
        double[][] labels = new double[2][C * P + P];
        for (int n = 0; n < 2; n++) {
            System.arraycopy(targets[n], 0, labels[n], 0, C * P);
        }
        labels[0][C * P + 1] = 1;
        labels[0][C * P + 4] = 1;
        labels[1][C * P + 2] = 1;
        return labels;
    }

    @Test
    void scoreEqualsReferenceOverMaskedPixels() {
        double[][] out = random(82, 2, C * P, 3.0);
        assertRelativelyEqual(
                0.1 * ReferenceLosses.maskedL1(out, labels(), C, P),
                score(new MaskedL1Loss(C, H, W, 0.1), array(labels()), array(out)),
                "masked L1");
    }

    @Test
    void unmaskedPixelsContributeNothingAndGetZeroGradient() {
        MaskedL1Loss loss = new MaskedL1Loss(C, H, W, 1.0);
        INDArray labels = array(labels());
        INDArray out = array(random(83, 2, C * P, 3.0));
        INDArray changed = out.dup();
        changed.putScalar(0, 0, 99.0);
        changed.putScalar(1, P + 5, -99.0);
        assertEquals(score(loss, labels, out), score(loss, labels, changed), 1e-12);
        INDArray gradient = loss.computeGradient(labels, changed, new ActivationIdentity(), null);
        assertEquals(0.0, gradient.getDouble(0, 0), 0.0);
        assertEquals(0.0, gradient.getDouble(1, P + 5), 0.0);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        assertGradientMatchesFiniteDifferences(
                new MaskedL1Loss(C, H, W, 2.0), array(labels()), array(random(84, 2, C * P, 3.0)));
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(new MaskedL1Loss(C, H, W, 1.0), 2, C, H, W, array(labels()));
    }
}
