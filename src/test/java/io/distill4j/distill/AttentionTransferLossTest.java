package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distill4j.model.loss.ReferenceLosses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

class AttentionTransferLossTest {

    private static final int CS = 3;
    private static final int CT = 5;
    private static final int H = 2;
    private static final int W = 3;
    private static final int P = H * W;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    @Test
    void scoreEqualsReferenceAcrossChannelCountsAndPowers() {
        double[][] out = random(21, 3, CS * P, 2.0);
        double[][] teacher = random(22, 3, CT * P, 2.0);
        assertRelativelyEqual(
                ReferenceLosses.attentionTransfer(out, teacher, CS, CT, P, 1000, 2),
                score(new AttentionTransferLoss(CS, CT, H, W, 1000), array(teacher), array(out)),
                "AT p=2");
        assertRelativelyEqual(
                0.5 * ReferenceLosses.attentionTransfer(out, teacher, CS, CT, P, 10, 3),
                score(new AttentionTransferLoss(CS, CT, H, W, 10, 3, 0.5), array(teacher), array(out)),
                "AT p=3");
    }

    @Test
    void scalingAFeatureMapChangesNothing() {
        AttentionTransferLoss loss = new AttentionTransferLoss(CS, CT, H, W, 100);
        INDArray out = array(random(23, 2, CS * P, 2.0));
        INDArray teacher = array(random(24, 2, CT * P, 2.0));
        double base = score(loss, teacher, out);
        assertRelativelyEqual(base, score(loss, teacher, out.mul(37.0)), "student scaled");
        assertRelativelyEqual(base, score(loss, teacher.mul(0.01), out), "teacher scaled");
    }

    @Test
    void equalAttentionGivesZeroScoreAndZeroGradient() {
        AttentionTransferLoss loss = new AttentionTransferLoss(CS, CS, H, W, 100);
        INDArray map = array(random(25, 2, CS * P, 2.0));
        assertEquals(0.0, score(loss, map, map.mul(2.0)), 1e-12);
        assertEquals(
                0.0,
                loss.computeGradient(map, map.dup(), new ActivationIdentity(), null)
                        .amaxNumber()
                        .doubleValue(),
                0.0);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        assertGradientMatchesFiniteDifferences(
                new AttentionTransferLoss(CS, CT, H, W, 50, 2, 1.0),
                array(random(26, 2, CT * P, 2.0)),
                array(random(27, 2, CS * P, 2.0)));
        assertGradientMatchesFiniteDifferences(
                new AttentionTransferLoss(CS, CT, H, W, 50, 3, 1.0),
                array(random(28, 2, CT * P, 2.0)),
                array(random(29, 2, CS * P, 2.0)));
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(
                new AttentionTransferLoss(CS, CT, H, W, 10), 2, CS, H, W, array(random(30, 2, CT * P, 2.0)));
    }
}
