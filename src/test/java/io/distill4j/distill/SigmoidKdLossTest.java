package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.model.loss.ReferenceLosses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class SigmoidKdLossTest {

    private static final int C = 2;
    private static final int H = 2;
    private static final int W = 3;
    private static final int P = H * W;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    @Test
    void scoreEqualsReference() {
        double[][] out = random(51, 3, C * P, 5.0);
        double[][] teacher = random(52, 3, C * P, 5.0);
        assertRelativelyEqual(
                1.5 * ReferenceLosses.sigmoidKd(out, teacher, 2.0),
                score(new SigmoidKdLoss(C, H, W, 2.0, 1.5), array(teacher), array(out)),
                "sigmoid KD");
    }

    @Test
    void staysFiniteForSaturatedLogits() {
        INDArray out = array(random(53, 2, C * P, 500.0));
        INDArray teacher = array(random(54, 2, C * P, 500.0));
        assertTrue(Double.isFinite(score(new SigmoidKdLoss(C, H, W, 1.0, 1.0), teacher, out)));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        assertGradientMatchesFiniteDifferences(
                new SigmoidKdLoss(C, H, W, 3.0, 1.0),
                array(random(55, 2, C * P, 5.0)),
                array(random(56, 2, C * P, 5.0)));
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(new SigmoidKdLoss(C, H, W, 2.0, 1.0), 2, C, H, W, array(random(57, 2, C * P, 3.0)));
    }
}
