package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.*;

import io.distill4j.model.loss.ReferenceLosses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class FspLossTest {

    private static final int M = 2;
    private static final int N = 3;
    private static final int H = 2;
    private static final int W = 3;
    private static final int P = H * W;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    @Test
    void scoreEqualsReference() {
        double[][] out = random(31, 3, (M + N) * P, 2.0);
        double[][] teacherG = random(32, 3, M * N, 0.5);
        assertRelativelyEqual(
                2.0 * ReferenceLosses.fsp(out, teacherG, M, N, P),
                score(new FspLoss(M, N, H, W, 2.0), array(teacherG), array(out)),
                "FSP");
    }

    @Test
    void fspMatrixOfTheTeacherTapsEqualsReferenceAndZeroesTheLossOnItself() {
        double[][] maps = random(33, 2, (M + N) * P, 2.0);
        INDArray both = array(maps).reshape('c', 2, M + N, H, W);
        INDArray f1 = both.get(NDArrayIndex.all(), NDArrayIndex.interval(0, M), NDArrayIndex.all(), NDArrayIndex.all())
                .dup('c');
        INDArray f2 = both.get(
                        NDArrayIndex.all(), NDArrayIndex.interval(M, M + N), NDArrayIndex.all(), NDArrayIndex.all())
                .dup('c');
        INDArray g = FspLoss.fspMatrix(f1, f2);
        for (int e = 0; e < 2; e++) {
            double[] expected = ReferenceLosses.fspMatrix(maps[e], M, N, P);
            for (int k = 0; k < M * N; k++) {
                assertRelativelyEqual(expected[k], g.getDouble(e, k), "G[" + e + "][" + k + "]");
            }
        }
        assertRelativelyEqual(0.0, score(new FspLoss(M, N, H, W, 1.0), g, array(maps)), "own FSP matrix");
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        assertGradientMatchesFiniteDifferences(
                new FspLoss(M, N, H, W, 0.8), array(random(34, 2, M * N, 0.5)), array(random(35, 2, (M + N) * P, 2.0)));
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(new FspLoss(M, N, H, W, 1.0), 2, M + N, H, W, array(random(36, 2, M * N, 0.3)));
    }
}
