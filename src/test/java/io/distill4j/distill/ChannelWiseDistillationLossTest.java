package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distill4j.model.loss.ReferenceLosses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ChannelWiseDistillationLossTest {

    private static final int C = 3;
    private static final int H = 2;
    private static final int W = 3;
    private static final int P = H * W;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    @Test
    void scoreEqualsReference() {
        double[][] out = random(11, 3, C * P, 3.0);
        double[][] teacher = random(12, 3, C * P, 3.0);
        assertRelativelyEqual(
                0.5 * ReferenceLosses.channelWise(out, teacher, C, P, 4.0),
                score(new ChannelWiseDistillationLoss(C, H, W, 4.0, 0.5), array(teacher), array(out)),
                "CWD");
    }

    @Test
    void isZeroWhenStudentEqualsTeacher() {
        INDArray map = array(random(13, 2, C * P, 3.0));
        assertEquals(0.0, score(new ChannelWiseDistillationLoss(C, H, W, 1.0, 1.0), map, map.dup()), 1e-12);
    }

    @Test
    void addingAConstantToAStudentChannelChangesNothing() {
        ChannelWiseDistillationLoss loss = new ChannelWiseDistillationLoss(C, H, W, 2.0, 1.0);
        INDArray teacher = array(random(14, 2, C * P, 3.0));
        INDArray out = array(random(15, 2, C * P, 3.0));
        INDArray shifted = out.dup();
        for (int p = 0; p < P; p++) {
            shifted.putScalar(0, P + p, out.getDouble(0, P + p) + 7.5);
            shifted.putScalar(1, 2 * P + p, out.getDouble(1, 2 * P + p) - 3.0);
        }
        assertRelativelyEqual(score(loss, teacher, out), score(loss, teacher, shifted), "shift invariance");
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        assertGradientMatchesFiniteDifferences(
                new ChannelWiseDistillationLoss(C, H, W, 2.0, 1.3),
                array(random(16, 2, C * P, 3.0)),
                array(random(17, 2, C * P, 3.0)));
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(
                new ChannelWiseDistillationLoss(C, H, W, 2.0, 1.0), 2, C, H, W, array(random(18, 2, C * P, 2.0)));
    }
}
