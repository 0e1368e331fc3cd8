package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.array;
import static io.distill4j.model.loss.LossTestSupport.assertRelativelyEqual;
import static io.distill4j.model.loss.LossTestSupport.random;
import static io.distill4j.model.loss.LossTestSupport.score;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.model.loss.LossTestSupport;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.serde.json.JsonMappers;

class MutualContrastiveLossTest {
    private static final int D = 3, N = 6;
    /** Rows 0/1 and 2/3 are two views of one image each; rows 4 and 5 have no second view in the batch. */
    private static final double[] IDS = {7, 7, 11, 11, 3, 5};

    @BeforeAll
    static void doubles() {
        LossTestSupport.useDoubles();
    }

    private static INDArray ids() {
        return Nd4j.createFromArray(IDS).castTo(DataType.DOUBLE).reshape(N, 1);
    }

    private static double[][] z(long seed) {
        return random(seed, N, 2 * D, 1.0);
    }

    @Test
    void eachTermMatchesThePlainDoubleFormula() {
        double[][] z = z(1);
        double tau = 0.5;
        double[][] weights = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0.3, 0.7, 1.1, 0.2}};
        for (double[] w : weights) {
            MutualContrastiveLoss loss = new MutualContrastiveLoss(D, tau, w[0], w[1], w[2], w[3]);
            double expected = Reference.score(z, z, IDS, tau, w);
            assertRelativelyEqual(expected, score(loss, ids(), array(z)), "weights " + java.util.Arrays.toString(w));
        }
    }

    @Test
    void withoutImageIdsEveryRowIsItsOwnImageAndVanillaHasNoPositive() {
        double[][] z = z(2);
        double[] distinct = {0, 1, 2, 3, 4, 5};
        INDArray none = Nd4j.zeros(DataType.DOUBLE, N, 0);
        MutualContrastiveLoss loss = new MutualContrastiveLoss(D, 0.2, 1, 1, 1, 1);
        assertRelativelyEqual(
                Reference.score(z, z, distinct, 0.2, new double[] {1, 1, 1, 1}), score(loss, none, array(z)), "no ids");
        assertEquals(0.0, score(new MutualContrastiveLoss(D, 0.2, 1, 0, 0, 0), none, array(z)), 0.0);
    }

    @Test
    void hardTermsGradientMatchesFiniteDifferences() {
        LossTestSupport.assertGradientMatchesFiniteDifferences(
                new MutualContrastiveLoss(D, 0.5, 0.7, 1.3, 0, 0), ids(), array(z(3)));
        LossTestSupport.assertGradientMatchesFiniteDifferences(
                new MutualContrastiveLoss(D, 0.5, 0, 1, 0, 0), Nd4j.zeros(DataType.DOUBLE, N, 0), array(z(4)));
    }

    @Test
    void softTermsGradientIsTheLearnersWithTheTargetDetached() {
        double[][] z = z(5);
        double tau = 0.5;
        double[] w = {0, 0, 0.6, 1.4};
        MutualContrastiveLoss loss = new MutualContrastiveLoss(D, tau, w[0], w[1], w[2], w[3]);
        INDArray gradient = loss.computeGradient(ids(), array(z), new ActivationIdentity(), null)
                .div(N);
        double step = 1e-6;
        for (int row = 0; row < N; row++) {
            for (int col = 0; col < 2 * D; col++) {
                double[][] plus = copy(z);
                plus[row][col] += step;
                double[][] minus = copy(z);
                minus[row][col] -= step;
                // Only the learner side moves; the target distributions stay at z.
                double numeric =
                        (Reference.score(plus, z, IDS, tau, w) - Reference.score(minus, z, IDS, tau, w)) / (2 * step);
                assertEquals(
                        numeric,
                        gradient.getDouble(row, col),
                        1e-6 * Math.max(1, Math.abs(numeric)) + 1e-9,
                        "d/dz[" + row + "," + col + "]");
            }
        }
    }

    @Test
    void scoreIsUnchangedByACommonRotationAndByRescalingRows() {
        double[][] z = z(6);
        double[][] rotated = new double[N][2 * D];
        double[][] q = rotation(D, 17);
        Random scales = new Random(4);
        for (int i = 0; i < N; i++) {
            for (int side = 0; side < 2; side++) {
                double s = 0.1 + 5 * scales.nextDouble();
                for (int r = 0; r < D; r++) {
                    double v = 0;
                    for (int c = 0; c < D; c++) v += q[r][c] * z[i][side * D + c];
                    rotated[i][side * D + r] = s * v;
                }
            }
        }
        MutualContrastiveLoss loss = new MutualContrastiveLoss(D, 0.3, 1, 1, 1, 1);
        assertRelativelyEqual(score(loss, ids(), array(z)), score(loss, ids(), array(rotated)), "rotated embeddings");
    }

    @Test
    void alignedNetworksWithSeparatedImagesHaveSmallInteractiveLoss() {
        // Both networks map image k to the same direction e_k: ICL tends to 0 as tau shrinks.
        double[][] z = new double[3][6];
        for (int i = 0; i < 3; i++) {
            z[i][i] = 1;
            z[i][3 + i] = 2;
        }
        MutualContrastiveLoss loss = new MutualContrastiveLoss(3, 0.05, 0, 1, 0, 1);
        double value = score(loss, Nd4j.zeros(DataType.DOUBLE, 3, 0), array(z));
        assertTrue(value < 1e-6, "aligned and separated: " + value);
    }

    @Test
    void dl4jGradientCheckPassesThroughBothNetworksMergedIntoTheLossLayer() {
        for (MutualContrastiveLoss loss : new MutualContrastiveLoss[] {
            new MutualContrastiveLoss(D, 0.5, 1, 1, 0, 0), new MutualContrastiveLoss(D, 0.5, 0, 1, 0, 0)
        }) {
            ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                    .seed(7)
                    .dataType(DataType.DOUBLE)
                    .updater(new NoOp())
                    .weightInit(WeightInit.XAVIER)
                    .graphBuilder()
                    .addInputs("in")
                    .setInputTypes(InputType.feedForward(4))
                    .addLayer(
                            "a",
                            new DenseLayer.Builder()
                                    .nIn(4)
                                    .nOut(D)
                                    .activation(Activation.TANH)
                                    .build(),
                            "in")
                    .addLayer(
                            "b",
                            new DenseLayer.Builder()
                                    .nIn(4)
                                    .nOut(D)
                                    .activation(Activation.TANH)
                                    .build(),
                            "in")
                    .addVertex("merge", new MergeVertex(), "a", "b")
                    .addLayer(
                            "loss",
                            new LossLayer.Builder(loss)
                                    .activation(Activation.IDENTITY)
                                    .build(),
                            "merge")
                    .setOutputs("loss")
                    .build();
            ComputationGraph graph = new ComputationGraph(conf);
            graph.init();
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                    .net(graph)
                    .inputs(new INDArray[] {array(random(8, N, 4, 1.0))})
                    .labels(new INDArray[] {ids()})
                    .epsilon(1e-6)
                    .maxRelError(1e-5)
                    .minAbsoluteError(1e-9)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                    .exitOnFirstError(false));
            assertTrue(ok, "DL4J gradient check of " + loss);
        }
    }

    @Test
    void survivesTheConfigurationJsonRoundTrip() throws Exception {
        MutualContrastiveLoss loss = new MutualContrastiveLoss(8, 0.1, 1, 0.5, 0.25, 2);
        String json = JsonMappers.getMapper().writeValueAsString(loss);
        assertEquals(loss, JsonMappers.getMapper().readValue(json, ILossFunction.class));
    }

    @Test
    void rejectsAMisshapenOutputNamingTheLayout() {
        MutualContrastiveLoss loss = MutualContrastiveLoss.all(4, 0.1, 1);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> score(loss, ids(), array(z(1))));
        assertTrue(e.getMessage().contains("[N, 2*D]"), e.getMessage());
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    /** A random orthogonal matrix: a product of plane (Givens) rotations. */
    private static double[][] rotation(int d, long seed) {
        Random random = new Random(seed);
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) q[i][i] = 1;
        for (int k = 0; k < 10; k++) {
            int a = random.nextInt(d), b = (a + 1 + random.nextInt(d - 1)) % d;
            double t = random.nextDouble() * 2 * Math.PI, c = Math.cos(t), s = Math.sin(t);
            for (int col = 0; col < d; col++) {
                double x = q[a][col], y = q[b][col];
                q[a][col] = c * x - s * y;
                q[b][col] = s * x + c * y;
            }
        }
        return q;
    }

    /** The formulas of MutualContrastiveLoss's comment, in plain doubles and loops. */
    static final class Reference {
        /**
         * @param learner embeddings the learner distributions (and the hard terms) see
         * @param target  embeddings the soft terms' detached targets see
         * @param w       vanilla, interactive, soft vanilla, soft interactive weights
         */
        static double score(double[][] learner, double[][] target, double[] ids, double tau, double[] w) {
            int n = learner.length;
            double[][] a = unit(learner, 0), b = unit(learner, 1), ta = unit(target, 0), tb = unit(target, 1);
            double total = 0;
            total += w[0] * (infoNce(a, a, ids, tau, true) + infoNce(b, b, ids, tau, true));
            total += w[1] * (infoNce(a, b, ids, tau, false) + infoNce(b, a, ids, tau, false));
            if (n >= 2) total += w[2] * (kl(tb, tb, a, a, tau, true) + kl(ta, ta, b, b, tau, true));
            total += w[3] * (kl(tb, ta, a, b, tau, false) + kl(ta, tb, b, a, tau, false));
            return total;
        }

        private static double[][] unit(double[][] z, int side) {
            int d = z[0].length / 2;
            double[][] v = new double[z.length][d];
            for (int i = 0; i < z.length; i++) {
                double norm = 0;
                for (int k = 0; k < d; k++) norm += z[i][side * d + k] * z[i][side * d + k];
                norm = Math.sqrt(norm);
                for (int k = 0; k < d; k++) v[i][k] = z[i][side * d + k] / norm;
            }
            return v;
        }

        private static double dot(double[] x, double[] y) {
            double s = 0;
            for (int k = 0; k < x.length; k++) s += x[k] * y[k];
            return s;
        }

        /** Mean over anchors with a positive of -(1/|P|) sum_p log softmax. */
        private static double infoNce(
                double[][] anchors, double[][] others, double[] ids, double tau, boolean excludeSelf) {
            double sum = 0;
            int counted = 0;
            for (int i = 0; i < anchors.length; i++) {
                double denominator = 0;
                for (int k = 0; k < others.length; k++) {
                    if (excludeSelf && k == i) continue;
                    denominator += Math.exp(dot(anchors[i], others[k]) / tau);
                }
                double logs = 0;
                int positives = 0;
                for (int p = 0; p < others.length; p++) {
                    if ((excludeSelf && p == i) || ids[p] != ids[i]) continue;
                    logs += Math.log(Math.exp(dot(anchors[i], others[p]) / tau) / denominator);
                    positives++;
                }
                if (positives > 0) {
                    sum += -logs / positives;
                    counted++;
                }
            }
            return counted == 0 ? 0 : sum / counted;
        }

        /** Mean over anchors of KL(softmax(t1_i . t2 / tau) || softmax(l1_i . l2 / tau)). */
        private static double kl(
                double[][] t1, double[][] t2, double[][] l1, double[][] l2, double tau, boolean excludeSelf) {
            int n = l1.length;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double[] p = distribution(t1[i], t2, i, tau, excludeSelf);
                double[] q = distribution(l1[i], l2, i, tau, excludeSelf);
                for (int k = 0; k < n; k++) if (p[k] > 0) sum += p[k] * (Math.log(p[k]) - Math.log(q[k]));
            }
            return sum / n;
        }

        private static double[] distribution(
                double[] anchor, double[][] others, int self, double tau, boolean excludeSelf) {
            double[] p = new double[others.length];
            double z = 0;
            for (int k = 0; k < others.length; k++) {
                if (excludeSelf && k == self) continue;
                p[k] = Math.exp(dot(anchor, others[k]) / tau);
                z += p[k];
            }
            for (int k = 0; k < p.length; k++) p[k] /= z;
            return p;
        }
    }
}
