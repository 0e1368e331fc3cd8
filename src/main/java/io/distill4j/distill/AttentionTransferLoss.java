package io.distill4j.distill;

import io.distill4j.model.loss.DenseLossFunction;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Attention transfer, AT (Zagoruyko &amp; Komodakis ICLR 2017), docs/methods.md's per-sample formula:
 * <pre>
 *   A(F) = sum_c |F_c|^p  (flattened over H*W),   a = A / max(||A||_2, 1e-12)
 *   l_n  = beta/2 * || a(F^S_n) - a(F^T_n) ||_2,   L = weight * (1/N) * sum_n l_n
 * </pre>
 * Averaging: the per-sample term is averaged over the batch, the same convention as every other
 * loss here and DL4J's own, so the size of a term does not depend on the minibatch size (the
 * paper's code averages too). The norm is not squared, as docs/methods.md writes it; its gradient is
 * {@code (d/||d||)} and taken as 0 where student and teacher attention maps are equal. The 1e-12
 * floor (as torch's F.normalize) only matters for an all-zero map.
 *
 * <p>Student and teacher may have different channel counts; spatial sizes must match (resize the
 * student map in the graph). A(F) does not change when F is scaled, only its normalised shape counts.
 *
 * <p>Output: student map [N, Cs*H*W]; labels: teacher map [N, Ct*H*W], NCHW flattened in c order.
 */
public final class AttentionTransferLoss extends DenseLossFunction {

    /** Floor for ||A|| in the normalisation. */
    static final double NORM_FLOOR = 1e-12;

    @JsonProperty("studentChannels")
    private final int studentChannels;

    @JsonProperty("teacherChannels")
    private final int teacherChannels;

    @JsonProperty("height")
    private final int height;

    @JsonProperty("width")
    private final int width;

    @JsonProperty("beta")
    private final double beta;

    @JsonProperty("p")
    private final double p;

    @JsonProperty("weight")
    private final double weight;

    @JsonCreator
    public AttentionTransferLoss(
            @JsonProperty("studentChannels") int studentChannels,
            @JsonProperty("teacherChannels") int teacherChannels,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("beta") double beta,
            @JsonProperty("p") double p,
            @JsonProperty("weight") double weight) {
        this.studentChannels = positive("studentChannels", studentChannels);
        this.teacherChannels = positive("teacherChannels", teacherChannels);
        this.height = positive("height", height);
        this.width = positive("width", width);
        this.beta = positive("beta", beta);
        if (!(p >= 1) || Double.isInfinite(p)) {
            throw new IllegalArgumentException("p must be a finite number >= 1, cannot be: " + p);
        }
        this.p = p;
        this.weight = weight(weight);
    }

    /** p = 2 and weight 1: {@code beta} alone scales the term, as in the paper. */
    public AttentionTransferLoss(int studentChannels, int teacherChannels, int height, int width, double beta) {
        this(studentChannels, teacherChannels, height, width, beta, 2.0, 1.0);
    }

    /** Sum over channels of |F|^p: [N, C, P] to [N, P]. */
    private INDArray attention(INDArray features) {
        return Transforms.pow(Transforms.abs(features, true), p, false).sum(1);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        long n = output.size(0);
        long pixels = (long) height * width;
        requireColumns(output, "student map", "[N, studentChannels*H*W]", studentChannels * pixels);
        requireColumns(labels, "labels", "[N, teacherChannels*H*W] teacher map", teacherChannels * pixels);
        INDArray student = output.reshape('c', n, studentChannels, pixels);
        INDArray attentionS = attention(student);
        INDArray attentionT = attention(labels.reshape('c', n, teacherChannels, pixels));
        INDArray normS = Transforms.max(attentionS.norm2(true, 1), NORM_FLOOR, false);
        INDArray normT = Transforms.max(attentionT.norm2(true, 1), NORM_FLOOR, false);
        INDArray unitS = attentionS.div(normS);
        INDArray difference = unitS.sub(attentionT.divi(normT));
        INDArray distance = difference.norm2(true, 1);
        double scale = weight * beta / 2;
        INDArray perExample = distance.mul(scale);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        // d l / d unitS = scale * d / ||d||, defined as 0 where d = 0.
        INDArray nonZero = distance.gt(0).castTo(distance.dataType());
        INDArray gradUnit = difference
                .divi(Transforms.max(distance, Double.MIN_NORMAL, true))
                .muli(nonZero)
                .muli(scale);
        // Through a = A / ||A||: (g - a (a . g)) / ||A||, the projection only where the floor is not hit.
        INDArray unfloored = attentionS.norm2(true, 1).gte(NORM_FLOOR).castTo(distance.dataType());
        INDArray projection = unitS.mul(unitS.mul(gradUnit).sum(true, 1).muli(unfloored));
        INDArray gradAttention = gradUnit.subi(projection).divi(normS);
        // Through A = sum_c |F|^p: p |F|^(p-1) sign(F).
        INDArray dAttention = Transforms.pow(Transforms.abs(student, true), p - 1, false)
                .muli(Transforms.sign(student, true))
                .muli(p);
        INDArray gradient = dAttention.muli(gradAttention.reshape('c', n, 1, pixels));
        return new Terms(perExample, gradient.reshape('c', n, studentChannels * pixels));
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

    public double getBeta() {
        return beta;
    }

    public double getP() {
        return p;
    }

    public double getWeight() {
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttentionTransferLoss other
                && studentChannels == other.studentChannels
                && teacherChannels == other.teacherChannels
                && height == other.height
                && width == other.width
                && beta == other.beta
                && p == other.p
                && weight == other.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(studentChannels, teacherChannels, height, width, beta, p, weight);
    }

    @Override
    public String toString() {
        return "AttentionTransferLoss(studentChannels=" + studentChannels + ", teacherChannels=" + teacherChannels
                + ", height=" + height + ", width=" + width + ", beta=" + beta + ", p=" + p + ", weight=" + weight
                + ")";
    }
}
