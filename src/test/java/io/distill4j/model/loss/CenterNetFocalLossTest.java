package io.distill4j.model.loss;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

class CenterNetFocalLossTest {

    private static final int K = 2;
    private static final int H = 3;
    private static final int W = 3;
    private static final int P = H * W;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    /** Gaussian-like heatmaps in [0, 0.9) with three exact peaks in the batch. */
    private static double[][] heatmaps() {
        double[][] y = random(71, 2, K * P, 0.45);
        for (double[] row : y) {
            for (int i = 0; i < row.length; i++) {
                row[i] += 0.45;
            }
        }
        y[0][4] = 1.0;
        y[0][P + 1] = 1.0;
        y[1][P + 8] = 1.0;
        return y;
    }

    @Test
    void scoreEqualsReferenceNormalisedByPeaks() {
        double[][] out = random(72, 2, K * P, 3.0);
        assertRelativelyEqual(
                0.5 * ReferenceLosses.centerNetFocal(out, heatmaps(), 2, 4),
                score(new CenterNetFocalLoss(K, H, W, 2, 4, 0.5), array(heatmaps()), array(out)),
                "focal");
        double[][] noPeaks = random(73, 2, K * P, 0.4);
        for (double[] row : noPeaks) {
            for (int i = 0; i < row.length; i++) {
                row[i] = Math.abs(row[i]);
            }
        }
        assertRelativelyEqual(
                ReferenceLosses.centerNetFocal(out, noPeaks, 2, 4),
                score(new CenterNetFocalLoss(K, H, W), array(noPeaks), array(out)),
                "no peaks: divide by 1");
    }

    @Test
    void saturatedWrongLogitsStayFiniteAndStillPull() {
        CenterNetFocalLoss loss = new CenterNetFocalLoss(K, H, W);
        INDArray out = array(random(74, 2, K * P, 1.0)).muli(0).addi(-200.0);
        INDArray labels = array(heatmaps());
        assertTrue(Double.isFinite(score(loss, labels, out)));
        INDArray gradient = loss.computeGradient(labels, out, new ActivationIdentity(), null);
        // A peak with logit -200 is confidently wrong: its gradient must push the logit up, not vanish.
        assertTrue(gradient.getDouble(0, 4) < -0.1, "gradient at a saturated peak: " + gradient.getDouble(0, 4));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        assertGradientMatchesFiniteDifferences(
                new CenterNetFocalLoss(K, H, W, 2, 4, 1.0), array(heatmaps()), array(random(75, 2, K * P, 3.0)));
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(new CenterNetFocalLoss(K, H, W), 2, K, H, W, array(heatmaps()));
    }
}
