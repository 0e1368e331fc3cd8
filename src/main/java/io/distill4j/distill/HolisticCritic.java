package io.distill4j.distill;

import java.io.Serializable;
import java.util.List;
import java.util.Random;

/**
 * The Wasserstein critic of holistic distillation (Liu et al., "Structured Knowledge Distillation for
 * Semantic Segmentation", CVPR 2019), trained with the WGAN-GP objective. Plain double loops, no ND4J:
 * DL4J M2 has no second derivatives, so the gradient of the gradient penalty is derived by hand here.
 *
 * <p>Per sample the input is X = [Q ; I]: a class-probability map Q ({@code classes} channels) and the
 * image I resampled to the same grid (3 channels), C_in = classes + 3, P = h*w positions, all arrays
 * CHW flattened in c order (index c*P + y*w + x).
 * <pre>
 *   z[k,p] = b[k] + sum_{c,dy,dx} W[k,c,dy,dx] * X[c, y+dy-r, x+dx-r]   kernel s = 2r+1, zero padding, stride 1
 *   a[k,p] = tanh z[k,p]                                                k = 0..hidden-1
 *   D(I,Q) = c0 + sum_k v[k] * (1/P) sum_p a[k,p]
 * </pre>
 * Parameters, one flat vector in this order: W (hidden x C_in x s x s, c order), b (hidden),
 * v (hidden), c0.
 *
 * <p>Critic loss on n triples (image I_i, real map R_i = teacher, fake map F_i = student), eps_i in [0,1]:
 * <pre>
 *   Qhat_i = eps_i R_i + (1 - eps_i) F_i
 *   G_i    = dD/dQ at (I_i, Qhat_i)           (Q channels only: the image is the condition)
 *   L      = (1/n) sum_i [ D(I_i,F_i) - D(I_i,R_i) + lambda (||G_i||_2 - 1)^2 ]
 * </pre>
 * Penalty gradient: with g[k,p] = (v[k]/P)(1 - a^2), G = conv^T(g, W) over the Q channels. With
 * N = ||G|| and u = 2 lambda (N-1)/N G held constant (u = 0 when N = 0),
 * d/dtheta lambda (N-1)^2 = d/dtheta &lt;u, G&gt; and &lt;u, G&gt; = sum_{k,p} hU[k,p] g[k,p], where
 * hU = conv(u, W) without bias (u as the Q channels, image channels zero). Hence
 * <pre>
 *   dv[k]   = (1/P) sum_p hU (1 - a^2)
 *   dz[k,p] = hU (v[k]/P) (-2 a (1 - a^2))  -&gt;  db[k] = sum_p dz,  dW += correlation of dz with X
 *   dW[k, Q channels] += correlation of g with u                     (the path through hU)
 *   dc0     = 0
 * </pre>
 *
 * <p>Cost: each convolution loop is hidden x C_in x s^2 x P multiply-adds, and {@link #step} runs about
 * nine of them per sample (three forward passes, two score gradients, the penalty's four), allocating
 * a few arrays of hidden x P doubles; what a step costs is in docs/performance.md ("The holistic
 * critic's step").
 * The shape is fixed; the parameters are a copy the critic owns, replaced via {@link #withParams}.
 */
public final class HolisticCritic implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Channels of the image condition (RGB). */
    public static final int IMAGE_CHANNELS = 3;

    private final int classes;
    private final int hidden;
    private final int kernel;
    private final double[] params;

    private HolisticCritic(int classes, int hidden, int kernel, double[] ownedParams) {
        this.classes = classes;
        this.hidden = hidden;
        this.kernel = kernel;
        this.params = ownedParams;
    }

    /**
     * A freshly initialised critic: W ~ N(0, 1/(C_in s^2)), b = 0, v ~ N(0, 1/hidden), c0 = 0, drawn
     * from {@code new Random(seed).nextGaussian()} (all of W, then v).
     */
    public HolisticCritic(int classes, int hidden, int kernel, long seed) {
        this(classes, hidden, kernel, new double[parameterCount(classes, hidden, kernel)]);
        Random random = new Random(seed);
        double weightStd = 1.0 / Math.sqrt((double) inChannels() * kernel * kernel);
        for (int i = 0; i < weightCount(); i++) {
            params[i] = weightStd * random.nextGaussian();
        }
        double readoutStd = 1.0 / Math.sqrt(hidden);
        for (int k = 0; k < hidden; k++) {
            params[readoutOffset() + k] = readoutStd * random.nextGaussian();
        }
    }

    /** A critic of the given shape with a copy of {@code params} (layout in the class comment). */
    public static HolisticCritic of(int classes, int hidden, int kernel, double[] params) {
        int expected = parameterCount(classes, hidden, kernel);
        if (params == null || params.length != expected) {
            throw new IllegalArgumentException("params must have length " + expected + " (classes " + classes
                    + ", hidden " + hidden + ", kernel " + kernel + "), got "
                    + (params == null ? "null" : String.valueOf(params.length)));
        }
        for (int i = 0; i < params.length; i++) {
            if (!Double.isFinite(params[i])) {
                throw new IllegalArgumentException("params[" + i + "] must be finite, got " + params[i]);
            }
        }
        return new HolisticCritic(classes, hidden, kernel, params.clone());
    }

    /** Validates the shape and returns the length of the flat parameter vector. */
    private static int parameterCount(int classes, int hidden, int kernel) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be at least 1, cannot be: " + classes);
        }
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden must be at least 1, cannot be: " + hidden);
        }
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("kernel must be odd and at least 1, cannot be: " + kernel);
        }
        long count = (long) hidden * (classes + IMAGE_CHANNELS) * kernel * kernel + 2L * hidden + 1;
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("critic too large: " + count + " parameters");
        }
        return (int) count;
    }

    public int classes() {
        return classes;
    }

    public int hidden() {
        return hidden;
    }

    public int kernel() {
        return kernel;
    }

    public int numParams() {
        return params.length;
    }

    /** A copy of the flat parameter vector. */
    public double[] params() {
        return params.clone();
    }

    /** A new critic of the same shape with (a copy of) {@code params}. */
    public HolisticCritic withParams(double[] params) {
        return of(classes, hidden, kernel, params);
    }

    /** D(I, Q). */
    public double score(double[] q, double[] image, int h, int w) {
        return scoreOf(forward(q, image, h, w));
    }

    /** dD/dQ, classes*h*w. */
    public double[] gradQ(double[] q, double[] image, int h, int w) {
        Pass pass = forward(q, image, h, w);
        return transposedConvolution(pass.g, classes, h, w);
    }

    /** dD/dtheta, numParams long, layout as {@link #params()}. */
    public double[] gradParams(double[] q, double[] image, int h, int w) {
        double[] grad = new double[params.length];
        addScoreGradient(forward(q, image, h, w), 1.0, grad);
        return grad;
    }

    /** lambda (||dD/dQ||_2 - 1)^2. */
    public double penalty(double[] q, double[] image, int h, int w, double lambda) {
        checkLambda(lambda);
        double norm = norm(gradQ(q, image, h, w));
        return lambda * (norm - 1) * (norm - 1);
    }

    /** d/dtheta of {@link #penalty}, by the derivation in the class comment. */
    public double[] penaltyGradParams(double[] q, double[] image, int h, int w, double lambda) {
        checkLambda(lambda);
        double[] grad = new double[params.length];
        addPenaltyGradient(forward(q, image, h, w), lambda, 1.0, grad);
        return grad;
    }

    /**
     * The critic loss L of the class comment on n samples, with its parameter gradient.
     *
     * @param real   n teacher maps R_i, classes*h*w each
     * @param fake   n student maps F_i
     * @param images n images I_i, 3*h*w each
     * @param eps    n interpolation weights in [0, 1]: Qhat_i = eps_i R_i + (1 - eps_i) F_i
     */
    public Step step(
            List<double[]> real,
            List<double[]> fake,
            List<double[]> images,
            int h,
            int w,
            double lambda,
            double[] eps) {
        checkLambda(lambda);
        if (real == null || fake == null || images == null || eps == null) {
            throw new IllegalArgumentException("real, fake, images and eps must not be null");
        }
        int n = real.size();
        if (n < 1) {
            throw new IllegalArgumentException("real must hold at least one sample, got 0");
        }
        if (fake.size() != n || images.size() != n || eps.length != n) {
            throw new IllegalArgumentException("real, fake, images and eps must have the same size n, got real " + n
                    + ", fake " + fake.size() + ", images " + images.size() + ", eps " + eps.length);
        }
        for (int i = 0; i < n; i++) {
            if (!(eps[i] >= 0 && eps[i] <= 1)) {
                throw new IllegalArgumentException("eps[" + i + "] must be in [0, 1], cannot be: " + eps[i]);
            }
        }
        // Samples are independent: each gets its own gradient on a pool thread, and the parts are
        // summed in index order so the result does not depend on scheduling (exact resume).
        double share = 1.0 / n;
        SampleTerms[] parts = new SampleTerms[n];
        java.util.stream.IntStream.range(0, n)
                .parallel()
                .forEach(i -> parts[i] =
                        sampleTerms(i, real.get(i), fake.get(i), images.get(i), h, w, lambda, eps[i], share));
        double[] gradient = new double[params.length];
        double wasserstein = 0;
        double penalty = 0;
        for (SampleTerms part : parts) {
            wasserstein += part.wasserstein;
            penalty += part.penalty;
            for (int j = 0; j < gradient.length; j++) {
                gradient[j] += part.gradient[j];
            }
        }
        return new Step(penalty - wasserstein, wasserstein, penalty, gradient);
    }

    /** Sample i's share of the step: its Wasserstein and penalty terms and their parameter gradient. */
    private record SampleTerms(double wasserstein, double penalty, double[] gradient) {}

    private SampleTerms sampleTerms(
            int i,
            double[] realMap,
            double[] fakeMap,
            double[] imageMap,
            int h,
            int w,
            double lambda,
            double eps,
            double share) {
        double[] r = checkedSample("real[" + i + "]", realMap, classes, h, w);
        double[] f = checkedSample("fake[" + i + "]", fakeMap, classes, h, w);
        double[] image = checkedSample("images[" + i + "]", imageMap, IMAGE_CHANNELS, h, w);
        double[] gradient = new double[params.length];
        Pass onReal = forward(r, image, h, w);
        Pass onFake = forward(f, image, h, w);
        double wasserstein = share * (scoreOf(onReal) - scoreOf(onFake));
        addScoreGradient(onFake, share, gradient);
        addScoreGradient(onReal, -share, gradient);
        double[] interpolate = new double[r.length];
        for (int j = 0; j < interpolate.length; j++) {
            interpolate[j] = eps * r[j] + (1 - eps) * f[j];
        }
        double penalty = share * addPenaltyGradient(forward(interpolate, image, h, w), lambda, share, gradient);
        return new SampleTerms(wasserstein, penalty, gradient);
    }

    /**
     * One critic evaluation on a minibatch.
     *
     * @param loss        L = penalty - wasserstein, the minimised objective
     * @param wasserstein (1/n) sum_i D(I_i, R_i) - D(I_i, F_i)
     * @param penalty     (1/n) sum_i lambda (||G_i|| - 1)^2
     * @param gradient    dL/dtheta, numParams long
     */
    public record Step(double loss, double wasserstein, double penalty, double[] gradient) {}

    // ---------------------------------------------------------------------------------------------
    // Passes and gradients

    /** What a forward pass leaves for the gradients: the input, a = tanh z and g = dD/dz. */
    private record Pass(double[] x, double[] a, double[] g, int h, int w) {}

    private Pass forward(double[] q, double[] image, int h, int w) {
        checkGrid(h, w);
        checkedSample("q", q, classes, h, w);
        checkedSample("image", image, IMAGE_CHANNELS, h, w);
        int positions = h * w;
        double[] x = new double[inChannels() * positions];
        System.arraycopy(q, 0, x, 0, q.length);
        System.arraycopy(image, 0, x, q.length, image.length);
        double[] a = convolution(x, inChannels(), h, w);
        double[] g = new double[a.length];
        for (int k = 0; k < hidden; k++) {
            double bias = params[biasOffset() + k];
            double readout = params[readoutOffset() + k] / positions;
            for (int p = 0; p < positions; p++) {
                int i = k * positions + p;
                a[i] = Math.tanh(a[i] + bias);
                g[i] = readout * (1 - a[i] * a[i]);
            }
        }
        return new Pass(x, a, g, h, w);
    }

    private double scoreOf(Pass pass) {
        int positions = pass.h * pass.w;
        double d = params[constantOffset()];
        for (int k = 0; k < hidden; k++) {
            double sum = 0;
            for (int p = 0; p < positions; p++) {
                sum += pass.a[k * positions + p];
            }
            d += params[readoutOffset() + k] * sum / positions;
        }
        return d;
    }

    /** grad += scale * dD/dtheta. */
    private void addScoreGradient(Pass pass, double scale, double[] grad) {
        int positions = pass.h * pass.w;
        double[] scaledG = new double[pass.g.length];
        for (int i = 0; i < scaledG.length; i++) {
            scaledG[i] = scale * pass.g[i];
        }
        addWeightGradient(scaledG, pass.x, inChannels(), pass.h, pass.w, grad);
        for (int k = 0; k < hidden; k++) {
            double gSum = 0;
            double aSum = 0;
            for (int p = 0; p < positions; p++) {
                gSum += scaledG[k * positions + p];
                aSum += pass.a[k * positions + p];
            }
            grad[biasOffset() + k] += gSum;
            grad[readoutOffset() + k] += scale * aSum / positions;
        }
        grad[constantOffset()] += scale;
    }

    /** grad += scale * d/dtheta lambda (||G|| - 1)^2; returns the penalty lambda (||G|| - 1)^2 itself. */
    private double addPenaltyGradient(Pass pass, double lambda, double scale, double[] grad) {
        int positions = pass.h * pass.w;
        double[] gradQ = transposedConvolution(pass.g, classes, pass.h, pass.w);
        double norm = norm(gradQ);
        double penalty = lambda * (norm - 1) * (norm - 1);
        if (norm == 0 || lambda == 0) {
            return penalty; // u = 0: the norm is not differentiable at G = 0, the subgradient 0 is taken
        }
        double[] u = gradQ;
        double uScale = scale * 2 * lambda * (norm - 1) / norm;
        for (int i = 0; i < u.length; i++) {
            u[i] *= uScale;
        }
        double[] hU = convolution(u, classes, pass.h, pass.w);
        double[] dz = new double[hU.length];
        for (int k = 0; k < hidden; k++) {
            double readout = params[readoutOffset() + k] / positions;
            double dv = 0;
            double db = 0;
            for (int p = 0; p < positions; p++) {
                int i = k * positions + p;
                double a = pass.a[i];
                double slope = 1 - a * a;
                dv += hU[i] * slope;
                dz[i] = hU[i] * readout * (-2 * a * slope);
                db += dz[i];
            }
            grad[readoutOffset() + k] += dv / positions;
            grad[biasOffset() + k] += db;
        }
        addWeightGradient(dz, pass.x, inChannels(), pass.h, pass.w, grad);
        addWeightGradient(pass.g, u, classes, pass.h, pass.w, grad);
        return penalty;
    }

    // ---------------------------------------------------------------------------------------------
    // The three convolution loops. Each walks one kernel tap (k, c, dy, dx) over the output positions
    // whose shifted input position (y+dy-r, x+dx-r) lies inside the grid, which is the zero padding.

    /** out[k,p] = sum_{c &lt; channels, dy, dx} W[k,c,dy,dx] in[c, p + (dy-r, dx-r)] (no bias). */
    private double[] convolution(double[] in, int channels, int h, int w) {
        int positions = h * w;
        int r = kernel / 2;
        double[] out = new double[hidden * positions];
        for (int k = 0; k < hidden; k++) {
            for (int c = 0; c < channels; c++) {
                for (int dy = 0; dy < kernel; dy++) {
                    int oy = dy - r;
                    for (int dx = 0; dx < kernel; dx++) {
                        int ox = dx - r;
                        double weight = params[weightIndex(k, c, dy, dx)];
                        for (int y = Math.max(0, -oy); y < Math.min(h, h - oy); y++) {
                            int outRow = k * positions + y * w;
                            int inRow = c * positions + (y + oy) * w + ox;
                            for (int x = Math.max(0, -ox); x < Math.min(w, w - ox); x++) {
                                out[outRow + x] += weight * in[inRow + x];
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The adjoint of {@link #convolution}: out[c, p + (dy-r, dx-r)] += W[k,c,dy,dx] g[k,p], c &lt; channels. */
    private double[] transposedConvolution(double[] g, int channels, int h, int w) {
        int positions = h * w;
        int r = kernel / 2;
        double[] out = new double[channels * positions];
        for (int k = 0; k < hidden; k++) {
            for (int c = 0; c < channels; c++) {
                for (int dy = 0; dy < kernel; dy++) {
                    int oy = dy - r;
                    for (int dx = 0; dx < kernel; dx++) {
                        int ox = dx - r;
                        double weight = params[weightIndex(k, c, dy, dx)];
                        for (int y = Math.max(0, -oy); y < Math.min(h, h - oy); y++) {
                            int gRow = k * positions + y * w;
                            int outRow = c * positions + (y + oy) * w + ox;
                            for (int x = Math.max(0, -ox); x < Math.min(w, w - ox); x++) {
                                out[outRow + x] += weight * g[gRow + x];
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** grad[W k,c,dy,dx] += sum_p g[k,p] in[c, p + (dy-r, dx-r)] for c &lt; channels. */
    private void addWeightGradient(double[] g, double[] in, int channels, int h, int w, double[] grad) {
        int positions = h * w;
        int r = kernel / 2;
        for (int k = 0; k < hidden; k++) {
            for (int c = 0; c < channels; c++) {
                for (int dy = 0; dy < kernel; dy++) {
                    int oy = dy - r;
                    for (int dx = 0; dx < kernel; dx++) {
                        int ox = dx - r;
                        double sum = 0;
                        for (int y = Math.max(0, -oy); y < Math.min(h, h - oy); y++) {
                            int gRow = k * positions + y * w;
                            int inRow = c * positions + (y + oy) * w + ox;
                            for (int x = Math.max(0, -ox); x < Math.min(w, w - ox); x++) {
                                sum += g[gRow + x] * in[inRow + x];
                            }
                        }
                        grad[weightIndex(k, c, dy, dx)] += sum;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Layout and checks

    private int inChannels() {
        return classes + IMAGE_CHANNELS;
    }

    private int weightCount() {
        return hidden * inChannels() * kernel * kernel;
    }

    private int weightIndex(int k, int c, int dy, int dx) {
        return ((k * inChannels() + c) * kernel + dy) * kernel + dx;
    }

    private int biasOffset() {
        return weightCount();
    }

    private int readoutOffset() {
        return weightCount() + hidden;
    }

    private int constantOffset() {
        return weightCount() + 2 * hidden;
    }

    private static double norm(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }

    private static void checkLambda(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and at least 0, cannot be: " + lambda);
        }
    }

    private static void checkGrid(int h, int w) {
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("grid h x w must be at least 1 x 1, cannot be: " + h + " x " + w);
        }
    }

    private static double[] checkedSample(String name, double[] values, int channels, int h, int w) {
        checkGrid(h, w);
        long expected = (long) channels * h * w;
        if (values == null || values.length != expected) {
            throw new IllegalArgumentException(name + " must have length " + channels + "*" + h + "*" + w + " = "
                    + expected + ", got " + (values == null ? "null" : String.valueOf(values.length)));
        }
        return values;
    }
}
