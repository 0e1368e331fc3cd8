package io.distill4j.distill;

import java.io.Serializable;

/**
 * Adam (Kingma and Ba 2015) for the flat parameter vector of a {@link HolisticCritic}, with its state
 * as plain arrays so a checkpoint can save it and {@link #restore} it exactly. Per update t = t + 1:
 * <pre>
 *   m = beta1 m + (1 - beta1) g,   v = beta2 v + (1 - beta2) g^2
 *   theta = theta - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 * </pre>
 * WGAN-GP (Gulrajani et al. 2017) trains its critic with lr 1e-4, beta1 0, beta2 0.9, epsilon 1e-8.
 * Not thread-safe: one optimiser belongs to one training loop.
 */
public final class CriticAdam implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private long step;
    private final double[] m;
    private final double[] v;

    /** A fresh optimiser (step 0, zero moments) for {@code size} parameters. */
    public CriticAdam(int size, double learningRate, double beta1, double beta2, double epsilon) {
        this(learningRate, beta1, beta2, epsilon, 0, new double[checkSize(size)], new double[size]);
    }

    private CriticAdam(
            double learningRate, double beta1, double beta2, double epsilon, long step, double[] m, double[] v) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and above 0, cannot be: " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), cannot be: " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), cannot be: " + beta2);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and above 0, cannot be: " + epsilon);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.step = step;
        this.m = m;
        this.v = v;
    }

    /** The optimiser exactly as saved from {@link #step()}, {@link #m()} and {@link #v()}. */
    public static CriticAdam restore(
            double learningRate, double beta1, double beta2, double epsilon, long step, double[] m, double[] v) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be at least 0, cannot be: " + step);
        }
        if (m == null || v == null || m.length != v.length) {
            throw new IllegalArgumentException("m and v must have the same length, got m "
                    + (m == null ? "null" : m.length) + ", v " + (v == null ? "null" : v.length));
        }
        checkSize(m.length);
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0) || Double.isInfinite(v[i])) {
                throw new IllegalArgumentException("v[" + i + "] must be finite and at least 0, cannot be: " + v[i]);
            }
            if (!Double.isFinite(m[i])) {
                throw new IllegalArgumentException("m[" + i + "] must be finite, cannot be: " + m[i]);
            }
        }
        return new CriticAdam(learningRate, beta1, beta2, epsilon, step, m.clone(), v.clone());
    }

    private static int checkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, cannot be: " + size);
        }
        return size;
    }

    /** One bias-corrected Adam step: returns the new parameters (the input is left alone). */
    public double[] update(double[] params, double[] gradient) {
        if (params == null || params.length != m.length) {
            throw new IllegalArgumentException(
                    "params must have length " + m.length + ", got " + (params == null ? "null" : params.length));
        }
        if (gradient == null || gradient.length != m.length) {
            throw new IllegalArgumentException(
                    "gradient must have length " + m.length + ", got " + (gradient == null ? "null" : gradient.length));
        }
        step++;
        double firstCorrection = 1 - Math.pow(beta1, step);
        double secondCorrection = 1 - Math.pow(beta2, step);
        double[] updated = new double[params.length];
        for (int i = 0; i < params.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * gradient[i];
            v[i] = beta2 * v[i] + (1 - beta2) * gradient[i] * gradient[i];
            double mHat = m[i] / firstCorrection;
            double vHat = v[i] / secondCorrection;
            updated[i] = params[i] - learningRate * mHat / (Math.sqrt(vHat) + epsilon);
        }
        return updated;
    }

    /** Updates done so far (t of the bias correction). */
    public long step() {
        return step;
    }

    /** A copy of the first-moment estimate. */
    public double[] m() {
        return m.clone();
    }

    /** A copy of the second-moment estimate. */
    public double[] v() {
        return v.clone();
    }

    public double learningRate() {
        return learningRate;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }
}
