package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.distill4j.model.loss.ReferenceLosses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class PairwiseSimilarityLossTest {

    private static final int CS = 3;
    private static final int CT = 4;
    private static final int H = 4;
    private static final int W = 6;
    private static final int P = H * W;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    @Test
    void scoreEqualsReferenceWithAndWithoutPooling() {
        double[][] out = random(41, 2, CS * P, 2.0);
        double[][] teacher = random(42, 2, CT * P, 2.0);
        assertRelativelyEqual(
                ReferenceLosses.pairwise(out, teacher, CS, CT, H, W, 1),
                score(new PairwiseSimilarityLoss(CS, CT, H, W, 0, 1.0), array(teacher), array(out)),
                "no pooling");
        assertRelativelyEqual(
                3 * ReferenceLosses.pairwise(out, teacher, CS, CT, H, W, 2),
                score(new PairwiseSimilarityLoss(CS, CT, H, W, 2, 3.0), array(teacher), array(out)),
                "2x2 cells");
    }

    @Test
    void gradientMatchesFiniteDifferencesWithAndWithoutPooling() {
        INDArray teacher = array(random(43, 2, CT * P, 2.0));
        INDArray out = array(random(44, 2, CS * P, 2.0));
        assertGradientMatchesFiniteDifferences(new PairwiseSimilarityLoss(CS, CT, H, W, 0, 1.0), teacher, out);
        assertGradientMatchesFiniteDifferences(new PairwiseSimilarityLoss(CS, CT, H, W, 2, 1.0), teacher, out);
    }

    @Test
    void rejectsACellThatDoesNotDivideTheMap() {
        assertThrows(IllegalArgumentException.class, () -> new PairwiseSimilarityLoss(CS, CT, H, W, 4, 1.0));
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(
                new PairwiseSimilarityLoss(CS, CT, H, W, 2, 1.0), 2, CS, H, W, array(random(45, 2, CT * P, 2.0)));
    }
}
