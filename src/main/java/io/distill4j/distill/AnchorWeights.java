package io.distill4j.distill;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Random;

/**
 * The meta-learned weight of each anchor of one L-MCL layer pair (Yang et al., TPAMI 2023): with
 * the anchor's L2-normalised projections v_a (student) and v_b (peer),
 * <pre>
 *   alpha = sigmoid( (Wq v_a) . (Wk v_b) ),     Wq, Wk: [d x D]
 *   dalpha/dWq = alpha (1 - alpha) (Wk v_b) v_a^T,   dalpha/dWk = alpha (1 - alpha) (Wq v_a) v_b^T
 * </pre>
 * Plain doubles, no DL4J: the parameters travel as fields of {@link MutualContrastiveLoss} (so the
 * configuration broadcast ships them) and are trained on the driver. Immutable.
 */
public final class AnchorWeights implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int embedding;
    private final int dim;
    /** Wq then Wk, each [d x D] row-major. */
    private final double[] params;

    /**
     * @param embedding D, the projections' size
     * @param params    Wq then Wk, each d x D row-major (length 2 d D)
     */
    public AnchorWeights(int embedding, double[] params) {
        if (embedding < 1) throw new IllegalArgumentException("embedding must be at least 1, cannot be: " + embedding);
        if (params == null || params.length == 0 || params.length % (2 * embedding) != 0) {
            throw new IllegalArgumentException("params must hold Wq and Wk, 2 x d x " + embedding + " values, got "
                    + (params == null ? "null" : params.length));
        }
        for (int i = 0; i < params.length; i++) {
            if (!Double.isFinite(params[i])) {
                throw new IllegalArgumentException("params[" + i + "] must be finite, cannot be: " + params[i]);
            }
        }
        this.embedding = embedding;
        this.dim = params.length / (2 * embedding);
        this.params = params.clone();
    }

    /** Seeded Gaussian init with standard deviation {@code std}: a small std starts every alpha near 0.5. */
    public static AnchorWeights random(int embedding, int dim, double std, long seed) {
        if (dim < 1) throw new IllegalArgumentException("dim must be at least 1, cannot be: " + dim);
        Random r = new Random(seed);
        double[] p = new double[2 * dim * embedding];
        for (int i = 0; i < p.length; i++) p[i] = std * r.nextGaussian();
        return new AnchorWeights(embedding, p);
    }

    /** The same shape with new parameters (Wq then Wk). */
    public AnchorWeights withParams(double[] newParams) {
        if (newParams.length != params.length) {
            throw new IllegalArgumentException(
                    "params must have length " + params.length + ", got " + newParams.length);
        }
        return new AnchorWeights(embedding, newParams);
    }

    /** alpha per anchor from rows of unit projections, va and vb [N][D]. */
    public double[] alpha(double[][] va, double[][] vb) {
        double[] alpha = new double[va.length];
        for (int n = 0; n < va.length; n++) {
            alpha[n] = sigmoid(dot(project(0, va[n]), project(1, vb[n])));
        }
        return alpha;
    }

    /** d(sum_n dLdAlpha[n] alpha[n]) / d(Wq, Wk), flat like {@link #params()}. */
    public double[] gradient(double[][] va, double[][] vb, double[] dLdAlpha) {
        double[] g = new double[params.length];
        int half = dim * embedding;
        for (int n = 0; n < va.length; n++) {
            double[] q = project(0, va[n]);
            double[] k = project(1, vb[n]);
            double a = sigmoid(dot(q, k));
            double c = dLdAlpha[n] * a * (1 - a);
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j < embedding; j++) {
                    g[i * embedding + j] += c * k[i] * va[n][j];
                    g[half + i * embedding + j] += c * q[i] * vb[n][j];
                }
            }
        }
        return g;
    }

    /** W v for W = Wq (which 0) or Wk (which 1). */
    private double[] project(int which, double[] v) {
        double[] out = new double[dim];
        int base = which * dim * embedding;
        for (int i = 0; i < dim; i++) {
            double s = 0;
            for (int j = 0; j < embedding; j++) s += params[base + i * embedding + j] * v[j];
            out[i] = s;
        }
        return out;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    public int embedding() {
        return embedding;
    }

    /** d, the meta dimension. */
    public int dim() {
        return dim;
    }

    /** A copy of Wq then Wk. */
    public double[] params() {
        return params.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnchorWeights w && embedding == w.embedding && Arrays.equals(params, w.params);
    }

    @Override
    public int hashCode() {
        return 31 * embedding + Arrays.hashCode(params);
    }

    @Override
    public String toString() {
        return "AnchorWeights(embedding=" + embedding + ", dim=" + dim + ")";
    }
}
