package io.distill4j.distill;

import io.distill4j.model.loss.DenseLossFunction;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Flow of solution procedure, FSP (Yim et al. CVPR 2017), for one layer pair:
 * <pre>
 *   G(i, j) = sum_{s,t} F1(s,t,i) F2(s,t,j) / (h*w),   L = weight * (1/N) * sum_n ||G^S_n - G^T_n||_F^2
 * </pre>
 * docs/methods.md averages over layer pairs: with K pairs give each pair's loss weight/K.
 *
 * <p>Output: the student's two maps concatenated along channels (a MergeVertex of the two taps, same
 * spatial size) [N, (m+n)*H*W]. Labels: the teacher's FSP matrix [N, m*n] (row i, column j at
 * i*n + j), made from the cached teacher taps with {@link #fspMatrix}.
 */
public final class FspLoss extends DenseLossFunction {

    @JsonProperty("m")
    private final int m;

    @JsonProperty("n")
    private final int n;

    @JsonProperty("height")
    private final int height;

    @JsonProperty("width")
    private final int width;

    @JsonProperty("weight")
    private final double weight;

    @JsonCreator
    public FspLoss(
            @JsonProperty("m") int m,
            @JsonProperty("n") int n,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("weight") double weight) {
        this.m = positive("m", m);
        this.n = positive("n", n);
        this.height = positive("height", height);
        this.width = positive("width", width);
        this.weight = weight(weight);
    }

    /**
     * The FSP matrix of two maps of equal batch and spatial size.
     *
     * @param f1 [N, m, H, W]
     * @param f2 [N, n, H, W]
     * @return [N, m*n], G(i, j) at column i*n + j
     */
    public static INDArray fspMatrix(INDArray f1, INDArray f2) {
        if (f1.rank() != 4
                || f2.rank() != 4
                || f1.size(0) != f2.size(0)
                || f1.size(2) != f2.size(2)
                || f1.size(3) != f2.size(3)) {
            throw new IllegalArgumentException("fspMatrix needs [N, m, H, W] and [N, n, H, W] maps, got "
                    + Arrays.toString(f1.shape()) + " and " + Arrays.toString(f2.shape()));
        }
        long pixels = f1.size(2) * f1.size(3);
        INDArray g = gram(
                f1.reshape('c', f1.size(0), f1.size(1), pixels),
                f2.reshape('c', f2.size(0), f2.size(1), pixels),
                pixels);
        return g.reshape('c', f1.size(0), f1.size(1) * f2.size(1));
    }

    /** [N, m, P] x [N, n, P] to [N, m, n] divided by P. */
    private static INDArray gram(INDArray f1, INDArray f2, long pixels) {
        return Nd4j.matmul(f1, f2, false, true, false).divi(pixels);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        long batch = output.size(0);
        long pixels = (long) height * width;
        requireColumns(output, "student maps", "[N, (m+n)*H*W] = [F1 | F2]", (m + n) * pixels);
        requireColumns(labels, "labels", "[N, m*n] teacher FSP matrix", (long) m * n);
        INDArray both = output.reshape('c', batch, m + n, pixels);
        INDArray f1 = both.get(NDArrayIndex.all(), NDArrayIndex.interval(0, m), NDArrayIndex.all())
                .dup('c');
        INDArray f2 = both.get(NDArrayIndex.all(), NDArrayIndex.interval(m, m + n), NDArrayIndex.all())
                .dup('c');
        INDArray difference = gram(f1, f2, pixels).subi(labels.reshape('c', batch, m, n));
        INDArray perExample = difference.mul(difference).sum(1, 2).muli(weight).reshape(batch, 1);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        double scale = 2 * weight / pixels;
        INDArray gradF1 = Nd4j.matmul(difference, f2).muli(scale);
        INDArray gradF2 = Nd4j.matmul(difference, f1, true, false, false).muli(scale);
        INDArray gradient = Nd4j.concat(1, gradF1, gradF2);
        return new Terms(perExample, gradient.reshape('c', batch, (m + n) * pixels));
    }

    public int getM() {
        return m;
    }

    public int getN() {
        return n;
    }

    public int getHeight() {
        return height;
    }

    public int getWidth() {
        return width;
    }

    public double getWeight() {
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FspLoss other
                && m == other.m
                && n == other.n
                && height == other.height
                && width == other.width
                && weight == other.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(m, n, height, width, weight);
    }

    @Override
    public String toString() {
        return "FspLoss(m=" + m + ", n=" + n + ", height=" + height + ", width=" + width + ", weight=" + weight + ")";
    }
}
