package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.apache.commons.lang3.SerializationUtils;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class HolisticLossTest {
    private static final int C = 3;
    private static final int H = 3;
    private static final int W = 4;
    private static final int P = H * W;
    private static final int N = 3;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    private static HolisticCritic critic(long seed) {
        return new HolisticCritic(C, 5, 3, seed);
    }

    /** Labels: the image at the grid (3 x P) then teacher logits (C x P). */
    private static INDArray labels(long seed) {
        return array(random(seed, N, (3 + C) * P, 1.0));
    }

    /** The formula written out: softmax per position with its own max, the critic's score, -weight * mean. */
    private static double reference(
            HolisticCritic critic, double tau, double weight, double[][] logits, double[][] labels) {
        double sum = 0;
        for (int n = 0; n < logits.length; n++) {
            double[] q = new double[C * P];
            for (int p = 0; p < P; p++) {
                double z = 0;
                for (int c = 0; c < C; c++) z += Math.exp(logits[n][c * P + p] / tau);
                for (int c = 0; c < C; c++) q[c * P + p] = Math.exp(logits[n][c * P + p] / tau) / z;
            }
            sum += critic.score(q, Arrays.copyOfRange(labels[n], 0, 3 * P), H, W);
        }
        return -weight * sum / logits.length;
    }

    @Test
    void scoreIsMinusWeightTimesTheCriticsMeanScoreOfTheStudentsProbabilities() {
        HolisticCritic critic = critic(3);
        INDArray out = array(random(4, N, C * P, 2.0));
        INDArray labels = labels(5);
        HolisticLoss loss = new HolisticLoss(C, H, W, 2.0, 0.1, critic);
        assertRelativelyEqual(
                reference(critic, 2.0, 0.1, out.toDoubleMatrix(), labels.toDoubleMatrix()),
                score(loss, labels, out),
                "holistic score");
    }

    @Test
    void teacherColumnsOfTheLabelsDoNotChangeTheStudentsTerm() {
        HolisticLoss loss = new HolisticLoss(C, H, W, 1.0, 1.0, critic(3));
        INDArray out = array(random(4, N, C * P, 1.0));
        INDArray a = labels(5);
        INDArray b = a.dup();
        b.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(3 * P, (3 + C) * P))
                .assign(7.0);
        assertEquals(score(loss, a, out), score(loss, b, out), 0.0);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        INDArray labels = labels(6);
        INDArray out = array(random(7, N, C * P, 1.5));
        assertGradientMatchesFiniteDifferences(new HolisticLoss(C, H, W, 1.0, 1.0, critic(8)), labels, out);
        assertGradientMatchesFiniteDifferences(new HolisticLoss(C, H, W, 3.0, 0.1, critic(9)), labels, out);
    }

    @Test
    void dl4jGradientCheckPassesOnAConvGraph() {
        assertGraphGradientsCheck(new HolisticLoss(C, H, W, 1.0, 1.0, critic(10)), 2, C, H, W, labels(11));
    }

    @Test
    void anotherCriticGivesAnotherScoreAndTheSameShapeChecks() {
        HolisticLoss loss = new HolisticLoss(C, H, W, 1.0, 1.0, critic(3));
        HolisticLoss next = loss.withCritic(critic(4));
        INDArray out = array(random(4, N, C * P, 1.0));
        assertNotEquals(score(loss, labels(5), out), score(next, labels(5), out));
        assertNotEquals(loss, next);
        assertEquals(loss, loss.withCritic(critic(3)));
    }

    @Test
    void configurationSurvivesTheJsonRoundTripWithTheCriticsParameters() {
        HolisticLoss original = new HolisticLoss(C, H, W, 2.0, 0.1, critic(12));
        ComputationGraph graph = lossGraph(original, 2, C, H, W);
        ComputationGraphConfiguration restored =
                ComputationGraphConfiguration.fromJson(graph.getConfiguration().toJson());
        LossLayer layer = (LossLayer) ((LayerVertex) restored.getVertices().get("loss"))
                .getLayerConf()
                .getLayer();
        assertEquals(original, layer.getLossFn());
        assertArrayEquals(
                original.critic().params(),
                ((HolisticLoss) layer.getLossFn()).critic().params(),
                0.0);
        INDArray out = array(random(14, N, C * P, 1.0));
        assertEquals(score(original, labels(15), out), score(layer.getLossFn(), labels(15), out), 0.0);
    }

    @Test
    void javaSerializationKeepsTheCriticForSparksBroadcast() throws Exception {
        HolisticLoss original = new HolisticLoss(C, H, W, 1.0, 0.5, critic(16));
        HolisticLoss copy = SerializationUtils.roundtrip(original);
        INDArray out = array(random(17, N, C * P, 1.0));
        assertEquals(score(original, labels(18), out), score(copy, labels(18), out), 0.0);
    }

    @Test
    void rejectsMapsOfTheWrongWidthAndCriticsOfAnotherClassCount() {
        HolisticLoss loss = new HolisticLoss(C, H, W, 1.0, 1.0, critic(3));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> score(loss, array(random(1, N, 3 * P, 1.0)), array(random(2, N, C * P, 1.0))));
        assertTrue(
                e.getMessage().contains("labels") && e.getMessage().contains(String.valueOf((3 + C) * P)),
                e.getMessage());
        IllegalArgumentException c =
                assertThrows(IllegalArgumentException.class, () -> new HolisticLoss(C + 1, H, W, 1.0, 1.0, critic(3)));
        assertTrue(c.getMessage().contains("critic"), c.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HolisticLoss(C, H, W, 0.0, 1.0, critic(3)));
    }
}
