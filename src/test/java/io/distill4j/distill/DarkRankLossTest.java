package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.distill4j.distill.DarkRankLoss.Transfer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

class DarkRankLossTest {

    private static final int CS = 3;
    private static final int CT = 5;
    private static final int H = 2;
    private static final int W = 3;
    private static final int P = H * W;
    private static final int N = 5;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    private static DarkRankLoss loss(Transfer transfer, int listSize) {
        return new DarkRankLoss(CS, P, CT, P, 3.0, 3.0, listSize, transfer, 1.0);
    }

    @Test
    void hardAndSoftScoresEqualThePapersFormulaInDoubles() {
        double[][] out = random(1, N, CS * P, 1.0);
        double[][] teacher = random(2, N, CT * P, 1.0);
        for (int list : new int[] {2, 3, 4}) {
            for (Transfer transfer : Transfer.values()) {
                double expected = DarkRankReference.loss(
                        out, teacher, CS, P, CT, P, 3.0, 3.0, list, transfer == Transfer.SOFT, 1.0);
                assertTrue(expected > 0, "a random teacher disagrees with a random student");
                assertRelativelyEqual(
                        expected, score(loss(transfer, list), array(teacher), array(out)), transfer + " list " + list);
            }
        }
        double expected = DarkRankReference.loss(out, teacher, CS, P, CT, P, 1.5, 2.0, 3, true, 0.25);
        assertRelativelyEqual(
                expected,
                score(new DarkRankLoss(CS, P, CT, P, 1.5, 2.0, 3, Transfer.SOFT, 0.25), array(teacher), array(out)),
                "alpha 1.5, beta 2, weight 0.25");
    }

    @Test
    void listLongerThanTheBatchRanksEveryOtherExample() {
        INDArray out = array(random(3, 4, CS * P, 1.0));
        INDArray teacher = array(random(4, 4, CT * P, 1.0));
        assertRelativelyEqual(
                score(loss(Transfer.HARD, 3), teacher, out), score(loss(Transfer.HARD, 9), teacher, out), "hard");
        assertRelativelyEqual(
                score(loss(Transfer.SOFT, 3), teacher, out), score(loss(Transfer.SOFT, 6), teacher, out), "soft");
    }

    @Test
    void gradientMatchesFiniteDifferencesInBothModes() {
        INDArray teacher = array(random(5, N, CT * P, 1.0));
        INDArray out = array(random(6, N, CS * P, 1.0));
        assertGradientMatchesFiniteDifferences(loss(Transfer.HARD, 3), teacher, out);
        assertGradientMatchesFiniteDifferences(loss(Transfer.SOFT, 3), teacher, out);
        assertGradientMatchesFiniteDifferences(
                new DarkRankLoss(CS, P, CT, P, 2.0, 1.5, 4, Transfer.SOFT, 0.5), teacher, out);
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        INDArray teacher = array(random(7, 4, CT * P, 1.0));
        assertGraphGradientsCheck(loss(Transfer.SOFT, 3), 2, CS, H, W, teacher);
        assertGraphGradientsCheck(loss(Transfer.HARD, 3), 2, CS, H, W, teacher);
    }

    @Test
    void hardTransferIsUnchangedByScalingBothNetworksEmbeddings() {
        INDArray out = array(random(8, N, CS * P, 1.0));
        INDArray teacher = array(random(9, N, CT * P, 1.0));
        for (Transfer transfer : Transfer.values()) {
            double base = score(loss(transfer, 3), teacher, out);
            assertRelativelyEqual(base, score(loss(transfer, 3), teacher.mul(0.2), out.mul(7.5)), transfer + " scaled");
        }
    }

    /**
     * Teachers on a quarter circle: stretching every angle by 1.8 changes every distance but no
     * query's order of the others, so hard transfer (which sees only the order) is unchanged and
     * soft transfer (which sees the teacher's scores) is not.
     */
    @Test
    void hardTransferSeesOnlyTheTeachersRankingSoftSeesItsScores() {
        double[] angles = {0.0, 0.17, 0.5, 0.62, 1.3};
        double[][] near = new double[N][2];
        double[][] stretched = new double[N][2];
        for (int i = 0; i < N; i++) {
            near[i] = new double[] {Math.cos(angles[i]), Math.sin(angles[i])};
            stretched[i] = new double[] {Math.cos(1.8 * angles[i]), Math.sin(1.8 * angles[i])};
        }
        INDArray out = array(random(10, N, 4, 1.0));
        DarkRankLoss hard = new DarkRankLoss(4, 1, 2, 1, 3.0, 3.0, 3, Transfer.HARD, 1.0);
        DarkRankLoss soft = new DarkRankLoss(4, 1, 2, 1, 3.0, 3.0, 3, Transfer.SOFT, 1.0);
        assertRelativelyEqual(score(hard, array(near), out), score(hard, array(stretched), out), "hard");
        double softNear = score(soft, array(near), out);
        double softStretched = score(soft, array(stretched), out);
        assertTrue(
                Math.abs(softNear - softStretched) > 1e-3 * Math.abs(softNear),
                "soft transfer follows the teacher's distances: " + softNear + " vs " + softStretched);
    }

    @Test
    void studentThatCopiesTheTeacherHasZeroSoftLoss() {
        INDArray teacher = array(random(11, N, CT * P, 1.0));
        DarkRankLoss soft = new DarkRankLoss(CT, P, CT, P, 3.0, 3.0, 4, Transfer.SOFT, 1.0);
        assertEquals(0.0, score(soft, teacher, teacher.mul(3)), 1e-12);
    }

    @Test
    void aMinibatchOfOneHasNoCandidatesAndContributesNothing() {
        INDArray out = array(random(12, 1, CS * P, 1.0));
        INDArray teacher = array(random(13, 1, CT * P, 1.0));
        DarkRankLoss hard = loss(Transfer.HARD, 3);
        assertEquals(0.0, score(hard, teacher, out));
        INDArray gradient = hard.computeGradient(teacher, out, new ActivationIdentity(), null);
        assertArrayEquals(out.shape(), gradient.shape());
        assertEquals(0.0, gradient.norm2Number().doubleValue());
    }

    @Test
    void configurationSurvivesTheJsonRoundTripAndScoresTheSame() {
        DarkRankLoss original = new DarkRankLoss(CS, P, CT, P, 2.5, 3.5, 4, Transfer.SOFT, 0.7);
        ComputationGraph graph = lossGraph(original, 2, CS, H, W);
        ComputationGraphConfiguration restored =
                ComputationGraphConfiguration.fromJson(graph.getConfiguration().toJson());
        LossLayer layer = (LossLayer) ((LayerVertex) restored.getVertices().get("loss"))
                .getLayerConf()
                .getLayer();
        assertEquals(original, layer.getLossFn());
        INDArray out = array(random(14, N, CS * P, 1.0));
        INDArray teacher = array(random(15, N, CT * P, 1.0));
        assertEquals(score(original, teacher, out), score(layer.getLossFn(), teacher, out), 0.0);
    }

    @Test
    void rejectsListsTooShortOrTooLongForSoftTransfer() {
        assertThrows(IllegalArgumentException.class, () -> loss(Transfer.HARD, 1));
        assertThrows(IllegalArgumentException.class, () -> loss(Transfer.SOFT, DarkRankLoss.MAX_SOFT_LIST + 1));
        assertThrows(
                IllegalArgumentException.class, () -> new DarkRankLoss(CS, P, CT, P, 0.0, 3.0, 3, Transfer.HARD, 1));
        assertThrows(IllegalArgumentException.class, () -> DarkRankLoss.Transfer.parse("medium"));
        loss(Transfer.HARD, 20);
    }

    @Test
    void rejectsMapsOfTheWrongWidthNamingThem() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> score(
                        loss(Transfer.HARD, 3),
                        array(random(16, N, CT * P + 1, 1.0)),
                        array(random(17, N, CS * P, 1.0))));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
    }
}
