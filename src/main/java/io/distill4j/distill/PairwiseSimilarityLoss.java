package io.distill4j.distill;

import io.distill4j.model.loss.DenseLossFunction;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Pair-wise similarity distillation (Liu et al. CVPR 2019, "Structured KD"):
 * <pre>
 *   a_ij = f_i . f_j / (||f_i|| ||f_j||)   over all pairs of (pooled) spatial positions i, j
 *   l_n  = (1/|R|^2) sum_i sum_j (a^S_ij - a^T_ij)^2,   L = weight * (1/N) * sum_n l_n
 * </pre>
 * Pooling: with {@code poolTo = k > 1} both maps are first average-pooled over non-overlapping k x k
 * cells (k must divide H and W), so R has (H/k)*(W/k) nodes; 0 or 1 means no pooling. The affinity
 * matrix is |R|^2 per example: pool large maps. Each norm is floored at 1e-12 (as torch's F.normalize).
 *
 * <p>Student and teacher may have different channel counts (the similarity is between positions).
 * Output: student map [N, Cs*H*W]; labels: teacher map [N, Ct*H*W], NCHW flattened in c order.
 */
public final class PairwiseSimilarityLoss extends DenseLossFunction {

    /** Floor for a position's feature norm. */
    static final double NORM_FLOOR = 1e-12;

    @JsonProperty("studentChannels")
    private final int studentChannels;

    @JsonProperty("teacherChannels")
    private final int teacherChannels;

    @JsonProperty("height")
    private final int height;

    @JsonProperty("width")
    private final int width;

    @JsonProperty("poolTo")
    private final int poolTo;

    @JsonProperty("weight")
    private final double weight;

    @JsonCreator
    public PairwiseSimilarityLoss(
            @JsonProperty("studentChannels") int studentChannels,
            @JsonProperty("teacherChannels") int teacherChannels,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("poolTo") int poolTo,
            @JsonProperty("weight") double weight) {
        this.studentChannels = positive("studentChannels", studentChannels);
        this.teacherChannels = positive("teacherChannels", teacherChannels);
        this.height = positive("height", height);
        this.width = positive("width", width);
        if (poolTo < 0 || (poolTo > 1 && (height % poolTo != 0 || width % poolTo != 0))) {
            throw new IllegalArgumentException("poolTo must be 0 (no pooling) or a cell size dividing height " + height
                    + " and width " + width + ", cannot be: " + poolTo);
        }
        this.poolTo = poolTo;
        this.weight = weight(weight);
    }

    private int cell() {
        return Math.max(1, poolTo);
    }

    /** [N, C*H*W] flat map to pooled [N, C, R] node features. */
    private INDArray nodes(INDArray flat, int channels) {
        long n = flat.size(0);
        int k = cell();
        long rows = height / k;
        long cols = width / k;
        if (k == 1) {
            return flat.reshape('c', n, channels, rows * cols);
        }
        return flat.reshape('c', n, channels, rows, k, cols, k).mean(3, 5).reshape('c', n, channels, rows * cols);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        long n = output.size(0);
        long pixels = (long) height * width;
        requireColumns(output, "student map", "[N, studentChannels*H*W]", studentChannels * pixels);
        requireColumns(labels, "labels", "[N, teacherChannels*H*W] teacher map", teacherChannels * pixels);
        INDArray nodesS = nodes(output, studentChannels);
        INDArray normS = Transforms.max(nodesS.norm2(true, 1), NORM_FLOOR, false);
        INDArray unitS = nodesS.div(normS);
        INDArray nodesT = nodes(labels, teacherChannels);
        INDArray unitT = nodesT.divi(Transforms.max(nodesT.norm2(true, 1), NORM_FLOOR, false));
        long r = unitS.size(2);
        INDArray difference =
                Nd4j.matmul(unitS, unitS, true, false, false).subi(Nd4j.matmul(unitT, unitT, true, false, false));
        double scale = weight / ((double) r * r);
        INDArray perExample = difference.mul(difference).sum(1, 2).muli(scale).reshape(n, 1);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        // a = U^T U with D symmetric: d l / d U = 4 scale U D.
        INDArray gradUnit = Nd4j.matmul(unitS, difference).muli(4 * scale);
        // Through u = f / ||f||: (g - u (u . g)) / ||f||, the projection only where the floor is not hit.
        INDArray unfloored = nodesS.norm2(true, 1).gte(NORM_FLOOR).castTo(output.dataType());
        INDArray projection = unitS.mul(unitS.mul(gradUnit).sum(true, 1).muli(unfloored));
        INDArray gradNodes = gradUnit.subi(projection).divi(normS);
        return new Terms(perExample, unpool(gradNodes, n));
    }

    /** Spreads node gradients [N, C, R] evenly over their k x k cells: [N, C*H*W]. */
    private INDArray unpool(INDArray gradNodes, long n) {
        int k = cell();
        if (k == 1) {
            return gradNodes.reshape('c', n, (long) studentChannels * height * width);
        }
        long rows = height / k;
        long cols = width / k;
        INDArray spread = Nd4j.zeros(gradNodes.dataType(), n, studentChannels, rows, k, cols, k)
                .addi(gradNodes
                        .reshape('c', n, studentChannels, rows, 1, cols, 1)
                        .div((double) k * k));
        return spread.reshape('c', n, (long) studentChannels * height * width);
    }

    public int getStudentChannels() {
        return studentChannels;
    }

    public int getTeacherChannels() {
        return teacherChannels;
    }

    public int getHeight() {
        return height;
    }

    public int getWidth() {
        return width;
    }

    public int getPoolTo() {
        return poolTo;
    }

    public double getWeight() {
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairwiseSimilarityLoss other
                && studentChannels == other.studentChannels
                && teacherChannels == other.teacherChannels
                && height == other.height
                && width == other.width
                && poolTo == other.poolTo
                && weight == other.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(studentChannels, teacherChannels, height, width, poolTo, weight);
    }

    @Override
    public String toString() {
        return "PairwiseSimilarityLoss(studentChannels=" + studentChannels + ", teacherChannels="
                + teacherChannels + ", height=" + height + ", width=" + width + ", poolTo=" + poolTo + ", weight="
                + weight + ")";
    }
}
