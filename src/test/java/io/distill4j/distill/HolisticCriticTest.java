package io.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.apache.commons.lang3.SerializationUtils;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HolisticCriticTest {
    private static final int CLASSES = 3;
    private static final int HIDDEN = 4;
    private static final int KERNEL = 3;
    private static final int H = 3;
    private static final int W = 4;
    private static final double FD_STEP = 1e-6;

    // ---------------------------------------------------------------------------------------------
    // Score

    @Test
    void scoreEqualsNaiveReference() {
        int[][] shapes = {{3, 4, 3, 3, 4}, {2, 5, 1, 4, 3}, {4, 2, 5, 3, 5}, {1, 3, 3, 1, 1}, {3, 4, 5, 2, 7}};
        for (int i = 0; i < shapes.length; i++) {
            int classes = shapes[i][0];
            int hidden = shapes[i][1];
            int kernel = shapes[i][2];
            int h = shapes[i][3];
            int w = shapes[i][4];
            Random random = new Random(10 + i);
            HolisticCritic critic = withRandomBias(new HolisticCritic(classes, hidden, kernel, 100 + i), random);
            double[] q = probabilityMap(random, classes, h, w);
            double[] image = gaussian(random, 3 * h * w);
            double expected = HolisticCriticReference.score(classes, hidden, kernel, critic.params(), q, image, h, w);
            double actual = critic.score(q, image, h, w);
            assertEquals(expected, actual, 1e-12 * Math.max(1e-3, Math.abs(expected)), "shape " + i);
        }
    }

    @Test
    void initialisationFollowsTheDocumentedLayoutAndScales() {
        HolisticCritic critic = new HolisticCritic(22 - 3, 16, 3, 7);
        int weights = 16 * 22 * 9;
        assertEquals(weights + 2 * 16 + 1, critic.numParams());
        double[] p = critic.params();
        double sumSq = 0;
        for (int i = 0; i < weights; i++) {
            sumSq += p[i] * p[i];
        }
        assertEquals(1.0 / (22 * 9), sumSq / weights, 0.15 / (22 * 9), "weight variance 1/(C_in s^2)");
        for (int k = 0; k < 16; k++) {
            assertEquals(0.0, p[weights + k], "bias " + k);
        }
        assertEquals(0.0, p[weights + 32], "c0");
        assertArrayEquals(p, new HolisticCritic(19, 16, 3, 7).params(), "same seed, same parameters");
    }

    // ---------------------------------------------------------------------------------------------
    // Gradients against central finite differences

    @Test
    void gradQMatchesFiniteDifferences() {
        Random random = new Random(1);
        HolisticCritic critic = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 2), random);
        double[] q = probabilityMap(random, CLASSES, H, W);
        double[] image = gaussian(random, 3 * H * W);
        double[] numeric = finiteDifferences(q, x -> critic.score(x, image, H, W));
        assertGradientsClose(numeric, critic.gradQ(q, image, H, W), "dD/dQ");
    }

    @Test
    void gradParamsMatchesFiniteDifferences() {
        Random random = new Random(3);
        HolisticCritic critic = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 4), random);
        double[] q = probabilityMap(random, CLASSES, H, W);
        double[] image = gaussian(random, 3 * H * W);
        double[] numeric = finiteDifferences(
                critic.params(), theta -> critic.withParams(theta).score(q, image, H, W));
        assertGradientsClose(numeric, critic.gradParams(q, image, H, W), "dD/dtheta");
    }

    @Test
    void penaltyGradParamsMatchesFiniteDifferencesAtInitialisation() {
        Random random = new Random(5);
        HolisticCritic critic = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 6), random);
        assertPenaltyGradientMatchesFiniteDifferences(critic, random, 10.0);
    }

    @Test
    void penaltyGradParamsMatchesFiniteDifferencesWhenGradientNormAboveOne() {
        Random random = new Random(7);
        HolisticCritic critic = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 8), random);
        double[] q = probabilityMap(random, CLASSES, H, W);
        double[] image = gaussian(random, 3 * H * W);
        HolisticCritic steep = withGradientNorm(critic, q, image, 3.0);
        assertEquals(3.0, norm(steep.gradQ(q, image, H, W)), 1e-9);
        assertPenaltyGradientMatchesFiniteDifferences(steep, q, image, 10.0);
    }

    @Test
    void penaltyGradParamsMatchesFiniteDifferencesWhenGradientNormBelowOne() {
        Random random = new Random(9);
        HolisticCritic critic = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 10), random);
        double[] q = probabilityMap(random, CLASSES, H, W);
        double[] image = gaussian(random, 3 * H * W);
        HolisticCritic flat = withGradientNorm(critic, q, image, 0.3);
        assertEquals(0.3, norm(flat.gradQ(q, image, H, W)), 1e-12);
        assertPenaltyGradientMatchesFiniteDifferences(flat, q, image, 10.0);
        assertPenaltyGradientMatchesFiniteDifferences(flat, q, image, 0.5);
    }

    @Test
    void penaltyGradParamsMatchesFiniteDifferencesForLargerKernelAndGrid() {
        Random random = new Random(11);
        HolisticCritic critic = withRandomBias(new HolisticCritic(2, 3, 5, 12), random);
        double[] q = probabilityMap(random, 2, 4, 5);
        double[] image = gaussian(random, 3 * 4 * 5);
        double[] numeric = finiteDifferences(
                critic.params(), theta -> critic.withParams(theta).penalty(q, image, 4, 5, 10.0));
        assertGradientsClose(numeric, critic.penaltyGradParams(q, image, 4, 5, 10.0), "d penalty/dtheta, kernel 5");
    }

    @Test
    void penaltyAndItsGradientVanishAtUnitGradientNorm() {
        Random random = new Random(13);
        HolisticCritic critic = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 14), random);
        double[] q = probabilityMap(random, CLASSES, H, W);
        double[] image = gaussian(random, 3 * H * W);
        HolisticCritic lipschitz = withGradientNorm(critic, q, image, 1.0);
        assertEquals(1.0, norm(lipschitz.gradQ(q, image, H, W)), 1e-14);
        assertEquals(0.0, lipschitz.penalty(q, image, H, W, 10.0), 1e-26);
        double[] gradient = lipschitz.penaltyGradParams(q, image, H, W, 10.0);
        double[] away = critic.penaltyGradParams(q, image, H, W, 10.0);
        assertTrue(norm(away) > 1e-2, "the penalty gradient is not trivially zero away from norm 1: " + norm(away));
        assertTrue(norm(gradient) < 1e-12, "penalty gradient at norm 1: " + norm(gradient));
    }

    @Test
    void zeroMapWeightsGiveZeroGradQAndPenaltyLambda() {
        Random random = new Random(15);
        double[] params = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 16), random)
                .params();
        int cin = CLASSES + 3;
        for (int k = 0; k < HIDDEN; k++) {
            for (int c = 0; c < CLASSES; c++) {
                for (int t = 0; t < KERNEL * KERNEL; t++) {
                    params[(k * cin + c) * KERNEL * KERNEL + t] = 0;
                }
            }
        }
        HolisticCritic blind = HolisticCritic.of(CLASSES, HIDDEN, KERNEL, params);
        double[] q = probabilityMap(random, CLASSES, H, W);
        double[] image = gaussian(random, 3 * H * W);
        assertArrayEquals(new double[CLASSES * H * W], blind.gradQ(q, image, H, W));
        assertEquals(10.0, blind.penalty(q, image, H, W, 10.0));
        assertTrue(norm(blind.gradParams(q, image, H, W)) > 0, "the image path still drives D");
    }

    @Test
    void stepGradientMatchesFiniteDifferences() {
        Random random = new Random(17);
        HolisticCritic critic = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 18), random);
        Batch batch = batch(random, 3, CLASSES, H, W);
        double[] eps = {0.2, 0.7, 1.0};
        HolisticCritic.Step step = critic.step(batch.real, batch.fake, batch.images, H, W, 10.0, eps);
        double[] numeric = finiteDifferences(critic.params(), theta -> critic.withParams(theta)
                .step(batch.real, batch.fake, batch.images, H, W, 10.0, eps)
                .loss());
        assertGradientsClose(numeric, step.gradient(), "dL/dtheta");
        assertEquals(0.0, step.gradient()[critic.numParams() - 1], 1e-15, "c0 cancels between D(F) and D(R)");
    }

    @Test
    void stepLossAgreesWithScoreAndPenalty() {
        Random random = new Random(19);
        HolisticCritic critic = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 20), random);
        Batch batch = batch(random, 4, CLASSES, H, W);
        double[] eps = {0.0, 0.25, 0.5, 0.9};
        double lambda = 10.0;
        HolisticCritic.Step step = critic.step(batch.real, batch.fake, batch.images, H, W, lambda, eps);
        double wasserstein = 0;
        double penalty = 0;
        for (int i = 0; i < 4; i++) {
            double[] r = batch.real.get(i);
            double[] f = batch.fake.get(i);
            double[] image = batch.images.get(i);
            wasserstein += (critic.score(r, image, H, W) - critic.score(f, image, H, W)) / 4;
            double[] interpolate = new double[r.length];
            for (int j = 0; j < r.length; j++) {
                interpolate[j] = eps[i] * r[j] + (1 - eps[i]) * f[j];
            }
            penalty += critic.penalty(interpolate, image, H, W, lambda) / 4;
        }
        assertEquals(wasserstein, step.wasserstein(), 1e-14);
        assertEquals(penalty, step.penalty(), 1e-12);
        assertEquals(penalty - wasserstein, step.loss(), 1e-12);
        assertTrue(penalty > 0.1, "the penalty is not trivially zero here: " + penalty);
    }

    // ---------------------------------------------------------------------------------------------
    // Training behaviour

    /**
     * Real maps are smooth two-region segmentations (left class 0, right class 1), fake maps are
     * uniform noise normalised to probabilities. WGAN-GP training must separate them and hold the
     * critic's gradient norm at the interpolates near 1.
     */
    @Test
    void trainingSeparatesRealFromFakeAndPushesGradientNormToOne() {
        int classes = 3;
        int hidden = 8;
        int h = 4;
        int w = 6;
        int n = 8;
        double lambda = 10.0;
        Random random = new Random(21);
        HolisticCritic critic = new HolisticCritic(classes, hidden, 3, 22);
        CriticAdam adam = new CriticAdam(critic.numParams(), 1e-3, 0.5, 0.9, 1e-8);
        Batch probe = segmentationBatch(new Random(23), n, classes, h, w);
        double[] probeEps = uniform(new Random(24), n);
        HolisticCritic.Step start = critic.step(probe.real, probe.fake, probe.images, h, w, lambda, probeEps);
        double startNorm = meanInterpolateGradientNorm(critic, probe, probeEps, h, w);
        for (int t = 0; t < 200; t++) {
            Batch batch = segmentationBatch(random, n, classes, h, w);
            HolisticCritic.Step step =
                    critic.step(batch.real, batch.fake, batch.images, h, w, lambda, uniform(random, n));
            critic = critic.withParams(adam.update(critic.params(), step.gradient()));
        }
        HolisticCritic.Step end = critic.step(probe.real, probe.fake, probe.images, h, w, lambda, probeEps);
        double meanNorm = meanInterpolateGradientNorm(critic, probe, probeEps, h, w);
        assertTrue(startNorm < 0.5, "the untrained critic is far from 1-Lipschitz: " + startNorm);
        assertTrue(
                end.wasserstein() > start.wasserstein() + 0.5,
                "wasserstein " + start.wasserstein() + " -> " + end.wasserstein());
        assertTrue(meanNorm >= 0.5 && meanNorm <= 1.5, "mean ||dD/dQ|| at interpolates " + meanNorm);
        assertTrue(end.loss() < start.loss(), "loss " + start.loss() + " -> " + end.loss());
    }

    private static double meanInterpolateGradientNorm(HolisticCritic critic, Batch batch, double[] eps, int h, int w) {
        int n = eps.length;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            double[] interpolate = new double[batch.real.get(i).length];
            for (int j = 0; j < interpolate.length; j++) {
                interpolate[j] = eps[i] * batch.real.get(i)[j]
                        + (1 - eps[i]) * batch.fake.get(i)[j];
            }
            mean += norm(critic.gradQ(interpolate, batch.images.get(i), h, w)) / n;
        }
        return mean;
    }

    // ---------------------------------------------------------------------------------------------
    // Parameters, serialisation, validation

    @Test
    void paramsAreDefensiveCopiesAndWithParamsKeepsTheShape() {
        HolisticCritic critic = new HolisticCritic(CLASSES, HIDDEN, KERNEL, 25);
        double[] original = critic.params();
        double[] params = critic.params();
        params[0] += 1;
        assertNotSame(params, critic.params());
        assertArrayEquals(original, critic.params(), "changing a returned copy leaves the critic alone");
        HolisticCritic other = critic.withParams(params);
        double changed = params[0];
        params[0] = 99;
        assertEquals(changed, other.params()[0], "withParams copied its argument");
        assertEquals(CLASSES, other.classes());
        assertEquals(HIDDEN, other.hidden());
        assertEquals(KERNEL, other.kernel());
    }

    @Test
    void criticSurvivesJavaSerialization() throws Exception {
        Random random = new Random(26);
        HolisticCritic critic = withRandomBias(new HolisticCritic(CLASSES, HIDDEN, KERNEL, 27), random);
        HolisticCritic copy = SerializationUtils.roundtrip(critic);
        double[] q = probabilityMap(random, CLASSES, H, W);
        double[] image = gaussian(random, 3 * H * W);
        assertArrayEquals(critic.params(), copy.params());
        assertEquals(critic.score(q, image, H, W), copy.score(q, image, H, W));
    }

    @Test
    void invalidArgumentsAreRejectedByName() {
        assertMessageNames("classes", () -> new HolisticCritic(0, 4, 3, 1));
        assertMessageNames("hidden", () -> new HolisticCritic(3, 0, 3, 1));
        assertMessageNames("kernel", () -> new HolisticCritic(3, 4, 2, 1));
        assertMessageNames("kernel", () -> new HolisticCritic(3, 4, -1, 1));
        HolisticCritic critic = new HolisticCritic(CLASSES, HIDDEN, KERNEL, 1);
        assertMessageNames(
                "params must have length " + critic.numParams(),
                () -> HolisticCritic.of(CLASSES, HIDDEN, KERNEL, new double[5]));
        assertMessageNames("got 5", () -> HolisticCritic.of(CLASSES, HIDDEN, KERNEL, new double[5]));
        double[] q = new double[CLASSES * H * W];
        double[] image = new double[3 * H * W];
        assertMessageNames("q must have length", () -> critic.score(new double[7], image, H, W));
        assertMessageNames("got 7", () -> critic.score(new double[7], image, H, W));
        assertMessageNames("image must have length", () -> critic.gradQ(q, new double[8], H, W));
        assertMessageNames("lambda", () -> critic.penalty(q, image, H, W, -1));
        assertMessageNames("lambda", () -> critic.penaltyGradParams(q, image, H, W, Double.NaN));
        Batch batch = batch(new Random(2), 2, CLASSES, H, W);
        assertMessageNames(
                "eps[1]", () -> critic.step(batch.real, batch.fake, batch.images, H, W, 10, new double[] {0.5, 1.5}));
        assertMessageNames(
                "same size",
                () -> critic.step(
                        batch.real, batch.fake.subList(0, 1), batch.images, H, W, 10, new double[] {0.5, 0.5}));
        assertMessageNames(
                "same size", () -> critic.step(batch.real, batch.fake, batch.images, H, W, 10, new double[] {0.5}));
        List<double[]> badFake = new ArrayList<>(batch.fake);
        badFake.set(1, new double[3]);
        assertMessageNames(
                "fake[1]", () -> critic.step(batch.real, badFake, batch.images, H, W, 10, new double[] {0.5, 0.5}));
        assertMessageNames(
                "lambda", () -> critic.step(batch.real, batch.fake, batch.images, H, W, -0.1, new double[] {0.5, 0.5}));
    }

    // ---------------------------------------------------------------------------------------------
    // CriticAdam

    @Nested
    class CriticAdamBehaviour {
        @Test
        void firstStepMovesEachParameterByLearningRateTowardsMinusTheGradientSign() {
            CriticAdam adam = new CriticAdam(4, 1e-3, 0.5, 0.9, 1e-8);
            double[] params = {1.0, -2.0, 0.5, 3.0};
            double[] gradient = {0.3, -7.0, 1e-3, 0.0};
            double[] next = adam.update(params, gradient);
            assertEquals(1.0 - 1e-3, next[0], 1e-10);
            assertEquals(-2.0 + 1e-3, next[1], 1e-10);
            assertEquals(0.5 - 1e-3, next[2], 1e-8);
            assertEquals(3.0, next[3], "a zero gradient leaves the parameter where it is");
            assertEquals(1, adam.step());
            assertArrayEquals(new double[] {1.0, -2.0, 0.5, 3.0}, params, "the input is left alone");
        }

        @Test
        void restoredOptimiserContinuesBitwiseLikeTheOriginal() throws Exception {
            Random random = new Random(31);
            CriticAdam original = new CriticAdam(6, 1e-4, 0.0, 0.9, 1e-8);
            double[] params = gaussian(random, 6);
            for (int t = 0; t < 5; t++) {
                params = original.update(params, gaussian(random, 6));
            }
            CriticAdam restored = CriticAdam.restore(
                    original.learningRate(),
                    original.beta1(),
                    original.beta2(),
                    original.epsilon(),
                    original.step(),
                    original.m(),
                    original.v());
            CriticAdam deserialised = SerializationUtils.roundtrip(original);
            double[] a = params;
            double[] b = params.clone();
            double[] c = params.clone();
            for (int t = 0; t < 5; t++) {
                double[] gradient = gaussian(random, 6);
                a = original.update(a, gradient);
                b = restored.update(b, gradient);
                c = deserialised.update(c, gradient);
            }
            assertArrayEquals(a, b);
            assertArrayEquals(a, c);
            assertArrayEquals(original.m(), restored.m());
            assertArrayEquals(original.v(), restored.v());
            assertEquals(10, restored.step());
        }

        @Test
        void stateAccessorsReturnCopies() {
            CriticAdam adam = new CriticAdam(2, 1e-3, 0.5, 0.9, 1e-8);
            adam.update(new double[2], new double[] {1, 2});
            double[] m = adam.m();
            m[0] = 42;
            assertEquals(0.5, adam.m()[0], 1e-15);
        }

        @Test
        void invalidArgumentsAreRejectedByName() {
            assertMessageNames("size", () -> new CriticAdam(0, 1e-3, 0.5, 0.9, 1e-8));
            assertMessageNames("learningRate", () -> new CriticAdam(3, 0, 0.5, 0.9, 1e-8));
            assertMessageNames("beta1", () -> new CriticAdam(3, 1e-3, 1.0, 0.9, 1e-8));
            assertMessageNames("beta2", () -> new CriticAdam(3, 1e-3, 0.5, -0.1, 1e-8));
            assertMessageNames("epsilon", () -> new CriticAdam(3, 1e-3, 0.5, 0.9, 0));
            assertMessageNames(
                    "step", () -> CriticAdam.restore(1e-3, 0.5, 0.9, 1e-8, -1, new double[2], new double[2]));
            assertMessageNames(
                    "same length", () -> CriticAdam.restore(1e-3, 0.5, 0.9, 1e-8, 1, new double[2], new double[3]));
            assertMessageNames(
                    "v[1]", () -> CriticAdam.restore(1e-3, 0.5, 0.9, 1e-8, 1, new double[2], new double[] {0, -1}));
            CriticAdam adam = new CriticAdam(3, 1e-3, 0.5, 0.9, 1e-8);
            assertMessageNames("params", () -> adam.update(new double[2], new double[3]));
            assertMessageNames("gradient", () -> adam.update(new double[3], new double[2]));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private record Batch(List<double[]> real, List<double[]> fake, List<double[]> images) {}

    private static void assertPenaltyGradientMatchesFiniteDifferences(
            HolisticCritic critic, Random random, double lambda) {
        double[] q = probabilityMap(random, CLASSES, H, W);
        double[] image = gaussian(random, 3 * H * W);
        assertPenaltyGradientMatchesFiniteDifferences(critic, q, image, lambda);
    }

    private static void assertPenaltyGradientMatchesFiniteDifferences(
            HolisticCritic critic, double[] q, double[] image, double lambda) {
        double[] numeric = finiteDifferences(
                critic.params(), theta -> critic.withParams(theta).penalty(q, image, H, W, lambda));
        double[] analytic = critic.penaltyGradParams(q, image, H, W, lambda);
        assertTrue(norm(analytic) > 1e-3, "penalty gradient is not trivially small: " + norm(analytic));
        assertGradientsClose(numeric, analytic, "d penalty/dtheta, lambda " + lambda);
    }

    /** The same critic with v rescaled so that ||dD/dQ|| at (q, image) is {@code target} (G is linear in v). */
    private static HolisticCritic withGradientNorm(HolisticCritic critic, double[] q, double[] image, double target) {
        double scale = target / norm(critic.gradQ(q, image, H, W));
        double[] params = critic.params();
        int readout = params.length - 1 - critic.hidden();
        for (int k = 0; k < critic.hidden(); k++) {
            params[readout + k] *= scale;
        }
        return critic.withParams(params);
    }

    /** Nonzero biases and c0 so that their gradient paths are exercised. */
    private static HolisticCritic withRandomBias(HolisticCritic critic, Random random) {
        double[] params = critic.params();
        int bias = params.length - 1 - 2 * critic.hidden();
        for (int k = 0; k < critic.hidden(); k++) {
            params[bias + k] = 0.5 * random.nextGaussian();
        }
        params[params.length - 1] = random.nextGaussian();
        return critic.withParams(params);
    }

    private static double[] finiteDifferences(double[] at, ToDoubleFunction<double[]> f) {
        double[] gradient = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            double[] plus = at.clone();
            double[] minus = at.clone();
            plus[i] += FD_STEP;
            minus[i] -= FD_STEP;
            gradient[i] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * FD_STEP);
        }
        return gradient;
    }

    /**
     * Relative error at most 1e-6 on each entry; entries below 1e-6 of the largest one are compared
     * with that absolute tolerance instead (finite-difference rounding dominates there).
     */
    private static void assertGradientsClose(double[] numeric, double[] analytic, String what) {
        assertEquals(numeric.length, analytic.length, what + " length");
        double scale = 0;
        for (double value : numeric) {
            scale = Math.max(scale, Math.abs(value));
        }
        assertTrue(scale > 0, what + " is identically zero");
        double atol = 1e-6 * scale;
        for (int i = 0; i < numeric.length; i++) {
            double tolerance = Math.max(atol, 1e-6 * Math.max(Math.abs(numeric[i]), Math.abs(analytic[i])));
            assertEquals(numeric[i], analytic[i], tolerance, what + " entry " + i);
        }
    }

    private static void assertMessageNames(String fragment, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' names '" + fragment + "'");
    }

    private static double norm(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }

    private static double[] gaussian(Random random, int size) {
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextGaussian();
        }
        return values;
    }

    private static double[] uniform(Random random, int size) {
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextDouble();
        }
        return values;
    }

    /** A softmax of Gaussian logits at each position. */
    private static double[] probabilityMap(Random random, int classes, int h, int w) {
        int positions = h * w;
        double[] logits = gaussian(random, classes * positions);
        return softmaxOverClasses(logits, classes, positions);
    }

    private static double[] softmaxOverClasses(double[] logits, int classes, int positions) {
        double[] probabilities = new double[logits.length];
        for (int p = 0; p < positions; p++) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                probabilities[c * positions + p] = Math.exp(logits[c * positions + p]);
                sum += probabilities[c * positions + p];
            }
            for (int c = 0; c < classes; c++) {
                probabilities[c * positions + p] /= sum;
            }
        }
        return probabilities;
    }

    private static Batch batch(Random random, int n, int classes, int h, int w) {
        List<double[]> real = new ArrayList<>();
        List<double[]> fake = new ArrayList<>();
        List<double[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            real.add(probabilityMap(random, classes, h, w));
            fake.add(probabilityMap(random, classes, h, w));
            images.add(gaussian(random, 3 * h * w));
        }
        return new Batch(real, fake, images);
    }

    /**
     * Real: left half class 0, right half class 1, through a smooth (logistic) boundary whose
     * position jitters per sample; fake: uniform noise per class, normalised per position. The image
     * is noise around a left/right brightness step matching the real map.
     */
    private static Batch segmentationBatch(Random random, int n, int classes, int h, int w) {
        int positions = h * w;
        List<double[]> real = new ArrayList<>();
        List<double[]> fake = new ArrayList<>();
        List<double[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double boundary = w / 2.0 + 0.5 * (random.nextDouble() - 0.5);
            double[] logits = new double[classes * positions];
            double[] image = new double[3 * positions];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = y * w + x;
                    double right = 1 / (1 + Math.exp(-2.0 * (x + 0.5 - boundary)));
                    logits[p] = 4 * (1 - right);
                    logits[positions + p] = 4 * right;
                    for (int c = 0; c < 3; c++) {
                        image[c * positions + p] = (right - 0.5) + 0.1 * random.nextGaussian();
                    }
                }
            }
            real.add(softmaxOverClasses(logits, classes, positions));
            double[] noise = new double[classes * positions];
            for (int p = 0; p < positions; p++) {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    noise[c * positions + p] = random.nextDouble();
                    sum += noise[c * positions + p];
                }
                for (int c = 0; c < classes; c++) {
                    noise[c * positions + p] /= sum;
                }
            }
            fake.add(noise);
            images.add(image);
        }
        return new Batch(real, fake, images);
    }
}
