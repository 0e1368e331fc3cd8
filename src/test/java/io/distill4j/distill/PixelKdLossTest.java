package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distill4j.model.loss.ReferenceLosses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

class PixelKdLossTest {

    private static final int C = 3;
    private static final int H = 2;
    private static final int W = 3;
    private static final int P = H * W;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    /** Teacher logits followed by a mask with pixels 1 and 4 ignored in example 0, pixel 2 in example 1. */
    private static double[][] maskedLabels() {
        double[][] teacher = random(2, 2, C * P, 3.0);
        double[][] labels = new double[2][C * P + P];
        for (int n = 0; n < 2; n++) {
            System.arraycopy(teacher[n], 0, labels[n], 0, C * P);
            for (int p = 0; p < P; p++) {
                labels[n][C * P + p] = 1.0;
            }
        }
        labels[0][C * P + 1] = 0;
        labels[0][C * P + 4] = 0;
        labels[1][C * P + 2] = 0;
        return labels;
    }

    @Test
    void scoreEqualsReferenceWithAndWithoutMask() {
        double[][] out = random(1, 2, C * P, 3.0);
        double[][] masked = maskedLabels();
        double[][] unmasked = random(2, 2, C * P, 3.0);
        PixelKdLoss loss = new PixelKdLoss(C, H, W, 2.5, 1.0);
        assertRelativelyEqual(
                ReferenceLosses.pixelKd(out, masked, C, P, 2.5),
                score(loss, array(masked), array(out)),
                "masked pixel KD");
        assertRelativelyEqual(
                ReferenceLosses.pixelKd(out, unmasked, C, P, 2.5),
                score(loss, array(unmasked), array(out)),
                "unmasked pixel KD");
        PixelKdLoss weighted = new PixelKdLoss(C, H, W, 2.5, 0.3);
        assertRelativelyEqual(
                0.3 * ReferenceLosses.pixelKd(out, masked, C, P, 2.5),
                score(weighted, array(masked), array(out)),
                "weight multiplies the score");
    }

    @Test
    void classificationKdIsTheOnePixelCase() {
        double[][] out = random(3, 4, 5, 4.0);
        double[][] teacher = random(4, 4, 5, 4.0);
        PixelKdLoss loss = new PixelKdLoss(5, 1, 1, 4.0, 1.0);
        // Hinton KD per example, averaged over the batch.
        double expected = 0;
        for (int n = 0; n < 4; n++) {
            expected += ReferenceLosses.pixelKd(new double[][] {out[n]}, new double[][] {teacher[n]}, 5, 1, 4.0) / 4;
        }
        assertRelativelyEqual(expected, score(loss, array(teacher), array(out)), "classification KD");
        assertGradientMatchesFiniteDifferences(loss, array(teacher), array(out));
    }

    @Test
    void withTauOneItIsTheMutualLearningKlToThePeer() {
        double[][] self = random(5, 3, 4, 2.0);
        double[][] peer = random(6, 3, 4, 2.0);
        double expected = 0;
        for (int n = 0; n < 3; n++) {
            double zs = 0;
            double zp = 0;
            for (int c = 0; c < 4; c++) {
                zs += Math.exp(self[n][c]);
                zp += Math.exp(peer[n][c]);
            }
            for (int c = 0; c < 4; c++) {
                double pPeer = Math.exp(peer[n][c]) / zp;
                double pSelf = Math.exp(self[n][c]) / zs;
                expected += pPeer * Math.log(pPeer / pSelf) / 3;
            }
        }
        assertRelativelyEqual(
                expected, score(new PixelKdLoss(4, 1, 1, 1.0, 1.0), array(peer), array(self)), "KL(p_peer || p_self)");
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        assertGradientMatchesFiniteDifferences(
                new PixelKdLoss(C, H, W, 2.0, 0.7), array(maskedLabels()), array(random(7, 2, C * P, 3.0)));
    }

    @Test
    void ignoredPixelsContributeNothingAndGetZeroGradient() {
        PixelKdLoss loss = new PixelKdLoss(C, H, W, 2.0, 1.0);
        INDArray labels = array(maskedLabels());
        INDArray out = array(random(8, 2, C * P, 3.0));
        INDArray changed = out.dup();
        for (int c = 0; c < C; c++) {
            changed.putScalar(0, c * P + 1, 50.0 * (c + 1));
            changed.putScalar(1, c * P + 2, -30.0 * c);
        }
        assertEquals(score(loss, labels, out), score(loss, labels, changed), 1e-12);
        INDArray gradient = loss.computeGradient(labels, out, new ActivationIdentity(), null);
        INDArray gradientChanged = loss.computeGradient(labels, changed, new ActivationIdentity(), null);
        assertEquals(gradient, gradientChanged);
        for (int c = 0; c < C; c++) {
            assertEquals(0.0, gradient.getDouble(0, c * P + 1), 0.0);
            assertEquals(0.0, gradient.getDouble(0, c * P + 4), 0.0);
            assertEquals(0.0, gradient.getDouble(1, c * P + 2), 0.0);
        }
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(new PixelKdLoss(C, H, W, 2.0, 1.0), 2, C, H, W, array(maskedLabels()));
    }
}
