package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.array;
import static io.distill4j.model.loss.LossTestSupport.assertRelativelyEqual;
import static io.distill4j.model.loss.LossTestSupport.random;
import static io.distill4j.model.loss.LossTestSupport.score;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.model.loss.LossTestSupport;
import java.util.Arrays;
import org.apache.commons.lang3.SerializationUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.serde.json.JsonMappers;

/** MutualContrastiveLoss with meta-learned anchor weights, and AnchorWeights' alpha and its derivative. */
class MetaWeightedContrastiveLossTest {
    private static final int D = 3, N = 6, DIM = 2;
    private static final double[] IDS = {7, 7, 11, 11, 3, 5};

    @BeforeAll
    static void doubles() {
        LossTestSupport.useDoubles();
    }

    private static INDArray ids() {
        return Nd4j.createFromArray(IDS).castTo(DataType.DOUBLE).reshape(N, 1);
    }

    /** Wide weights (std 1) so alpha spreads over (0, 1). */
    private static AnchorWeights weights(long seed) {
        return AnchorWeights.random(D, DIM, 1.0, seed);
    }

    private static double[] unit(double[] z, int side) {
        double[] v = Arrays.copyOfRange(z, side * D, side * D + D);
        double norm = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
        for (int i = 0; i < D; i++) v[i] /= norm;
        return v;
    }

    /** sigmoid((Wq v_a) . (Wk v_b)) with plain loops. */
    private static double alphaReference(double[] phi, double[] z) {
        double[] va = unit(z, 0), vb = unit(z, 1);
        double dot = 0;
        for (int i = 0; i < DIM; i++) {
            double q = 0, k = 0;
            for (int j = 0; j < D; j++) {
                q += phi[i * D + j] * va[j];
                k += phi[DIM * D + i * D + j] * vb[j];
            }
            dot += q * k;
        }
        return 1 / (1 + Math.exp(-dot));
    }

    @Test
    void alphaPerAnchorIsTheSigmoidOfQueryDotKey() {
        double[][] z = random(1, N, 2 * D, 1.0);
        AnchorWeights w = weights(2);
        double[] alpha =
                MutualContrastiveLoss.all(D, 0.5, 1).withAnchorWeights(w).anchorAlpha(array(z));
        for (int n = 0; n < N; n++) assertEquals(alphaReference(w.params(), z[n]), alpha[n], 1e-12, "alpha[" + n + "]");
        assertTrue(
                Arrays.stream(alpha).max().orElseThrow()
                                - Arrays.stream(alpha).min().orElseThrow()
                        > 0.1,
                "alphas differ between anchors: " + Arrays.toString(alpha));
    }

    @Test
    void alphaGradientMatchesFiniteDifferences() {
        double[][] z = random(3, N, 2 * D, 1.0);
        AnchorWeights w = weights(4);
        double[] c = random(5, 1, N, 1.0)[0];
        MutualContrastiveLoss loss = MutualContrastiveLoss.all(D, 0.5, 1).withAnchorWeights(w);
        double[] analytic = loss.anchorWeightGradient(array(z), c);
        double[] phi = w.params();
        double step = 1e-6;
        for (int i = 0; i < phi.length; i++) {
            double[] plus = phi.clone(), minus = phi.clone();
            plus[i] += step;
            minus[i] -= step;
            double numeric = 0;
            for (int n = 0; n < N; n++)
                numeric += c[n] * (alphaReference(plus, z[n]) - alphaReference(minus, z[n])) / (2 * step);
            assertEquals(numeric, analytic[i], 1e-8, "d sum c alpha / d phi[" + i + "]");
        }
    }

    @Test
    void weightedScoreIsTheAlphaWeightedSumOfEachAnchorsInfoNce() {
        // One view per image, interactive terms only: r(n) = [-log softmax_ab(n, n) - log softmax_ba(n, n)] / N.
        double[][] z = random(6, N, 2 * D, 1.0);
        double tau = 0.4;
        AnchorWeights w = weights(7);
        MutualContrastiveLoss loss = new MutualContrastiveLoss(D, tau, 0, 1, 0, 0).withAnchorWeights(w);
        double expected = 0;
        for (int n = 0; n < N; n++) {
            double r = (-logSoftmaxOfSelf(z, n, 0, 1, tau) - logSoftmaxOfSelf(z, n, 1, 0, tau)) / N;
            expected += alphaReference(w.params(), z[n]) * r;
        }
        INDArray noIds = Nd4j.zeros(DataType.DOUBLE, N, 0);
        assertRelativelyEqual(expected, score(loss, noIds, array(z)), "sum_n alpha_n r_n");
    }

    private static double logSoftmaxOfSelf(double[][] z, int n, int anchorSide, int otherSide, double tau) {
        double[] anchor = unit(z[n], anchorSide);
        double self = 0, denominator = 0;
        for (int k = 0; k < N; k++) {
            double[] other = unit(z[k], otherSide);
            double s = 0;
            for (int j = 0; j < D; j++) s += anchor[j] * other[j];
            denominator += Math.exp(s / tau);
            if (k == n) self = s / tau;
        }
        return self - Math.log(denominator);
    }

    @Test
    void perAnchorLossesSumToTheUniformLossAndWeightTheScoreForEveryTerm() {
        double[][] z = random(8, N, 2 * D, 1.0);
        double tau = 0.5;
        double[] terms = {0.3, 0.7, 1.1, 0.2};
        MutualContrastiveLoss uniform = new MutualContrastiveLoss(D, tau, terms[0], terms[1], terms[2], terms[3]);
        double[] r = uniform.anchorLosses(ids(), array(z));
        assertRelativelyEqual(
                MutualContrastiveLossTest.Reference.score(z, z, IDS, tau, terms),
                Arrays.stream(r).sum(),
                "sum_n r(n) is the uniform loss");
        MutualContrastiveLoss weighted = uniform.withAnchorWeights(weights(9));
        double expected = 0;
        for (int n = 0; n < N; n++) expected += alphaReference(weights(9).params(), z[n]) * r[n];
        assertRelativelyEqual(expected, score(weighted, ids(), array(z)), "all four terms weighted per anchor");
    }

    /**
     * alpha is detached: the network must not lower its loss by moving its embeddings to shrink
     * alpha (a shortcut the meta objective never asked for); alpha is trained by the meta step only.
     * So the gradient is that of sum_n alpha_n r_n(z) with alpha held at its value at z, and with
     * the soft terms' targets held as well (their usual detachment).
     */
    @Test
    void gradientMatchesFiniteDifferencesWithAlphaAndSoftTargetsHeld() {
        double[][] z = random(10, N, 2 * D, 1.0);
        MutualContrastiveLoss loss =
                new MutualContrastiveLoss(D, 0.5, 0.7, 1.3, 0.6, 1.4).withAnchorWeights(weights(11));
        double[] alpha = loss.anchorAlpha(array(z));
        INDArray gradient = loss.computeGradient(ids(), array(z), new ActivationIdentity(), null)
                .div(N);
        double step = 1e-6;
        for (int row = 0; row < N; row++) {
            for (int col = 0; col < 2 * D; col++) {
                double[][] plus = copy(z), minus = copy(z);
                plus[row][col] += step;
                minus[row][col] -= step;
                double numeric = (held(loss, alpha, plus, z) - held(loss, alpha, minus, z)) / (2 * step);
                assertEquals(
                        numeric,
                        gradient.getDouble(row, col),
                        1e-6 * Math.max(1, Math.abs(numeric)) + 1e-9,
                        "d/dz[" + row + "," + col + "]");
            }
        }
    }

    private static double held(MutualContrastiveLoss loss, double[] alpha, double[][] moved, double[][] at) {
        double[] r = loss.anchorLosses(ids(), array(moved), array(at));
        double sum = 0;
        for (int n = 0; n < N; n++) sum += alpha[n] * r[n];
        return sum;
    }

    @Test
    void withoutAnchorWeightsTheLossIsTheUniformOne() {
        double[][] z = random(12, N, 2 * D, 1.0);
        MutualContrastiveLoss plain = new MutualContrastiveLoss(D, 0.5, 1, 1, 1, 1);
        MutualContrastiveLoss viaNull = new MutualContrastiveLoss(D, 0.5, 1, 1, 1, 1, null);
        assertEquals(plain, viaNull);
        assertEquals(plain, plain.withAnchorWeights(weights(1)).withAnchorWeights(null));
        assertNull(plain.anchorWeights());
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, plain.anchorAlpha(array(z)), 0.0);
        assertEquals(
                score(plain, ids(), array(z)),
                Arrays.stream(plain.anchorLosses(ids(), array(z))).sum(),
                1e-12);
        assertNotEquals(plain, plain.withAnchorWeights(weights(1)));
        LossTestSupport.assertGradientMatchesFiniteDifferences(
                new MutualContrastiveLoss(D, 0.5, 0.7, 1.3, 0, 0, null), ids(), array(z));
    }

    @Test
    void anchorWeightsSurviveJsonAndJavaSerialisation() throws Exception {
        MutualContrastiveLoss loss = new MutualContrastiveLoss(D, 0.1, 1, 0.5, 0.25, 2).withAnchorWeights(weights(13));
        String json = JsonMappers.getMapper().writeValueAsString(loss);
        ILossFunction back = JsonMappers.getMapper().readValue(json, ILossFunction.class);
        assertEquals(loss, back);
        assertArrayEquals(
                weights(13).params(),
                ((MutualContrastiveLoss) back).anchorWeights().params(),
                0.0);
        // A configuration written before anchor weights existed still reads as uniform.
        String uniformJson = JsonMappers.getMapper().writeValueAsString(new MutualContrastiveLoss(D, 0.1, 1, 1, 1, 1));
        assertTrue(!uniformJson.contains("anchorWeights"), uniformJson);
        assertEquals(loss, SerializationUtils.roundtrip(loss));
    }

    @Test
    void anchorWeightsOfAnotherEmbeddingAreRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> MutualContrastiveLoss.all(4, 0.1, 1).withAnchorWeights(weights(1)));
        assertTrue(e.getMessage().contains("embedding"), e.getMessage());
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }
}
