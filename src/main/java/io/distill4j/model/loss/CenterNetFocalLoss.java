package io.distill4j.model.loss;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * CenterNet's penalty-reduced pixel-wise focal loss (Zhou et al. 2019) on {@code p = sigmoid(z)}
 * against gaussian heatmap targets y (peaks exactly 1):
 * <pre>
 *   L = weight * -(1/max(1, P)) * sum [ y == 1 ? (1-p)^alpha log p : (1-y)^beta p^alpha log(1-p) ]
 * </pre>
 * summed over every element of the batch, P the number of peaks in the batch.
 *
 * <p>Stability: CenterNet clamps p to [1e-4, 1 - 1e-4], which also zeroes the gradient of a
 * saturated, confidently wrong logit. Here {@code log p} and {@code log(1-p)} come from the stable
 * log-sigmoid instead, so the loss is exact and smooth for every finite logit.
 *
 * <p>Output: logits [N, K*H*W]; labels: heatmaps [N, K*H*W], both NCHW flattened in c order.
 */
public final class CenterNetFocalLoss extends DenseLossFunction {

    @JsonProperty("classes")
    private final int classes;

    @JsonProperty("height")
    private final int height;

    @JsonProperty("width")
    private final int width;

    @JsonProperty("alpha")
    private final double alpha;

    @JsonProperty("beta")
    private final double beta;

    @JsonProperty("weight")
    private final double weight;

    @JsonCreator
    public CenterNetFocalLoss(
            @JsonProperty("classes") int classes,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("alpha") double alpha,
            @JsonProperty("beta") double beta,
            @JsonProperty("weight") double weight) {
        this.classes = positive("classes", classes);
        this.height = positive("height", height);
        this.width = positive("width", width);
        this.alpha = positive("alpha", alpha);
        this.beta = positive("beta", beta);
        this.weight = weight(weight);
    }

    /** CenterNet's alpha = 2, beta = 4, weight 1. */
    public CenterNetFocalLoss(int classes, int height, int width) {
        this(classes, height, width, 2.0, 4.0, 1.0);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        long n = output.size(0);
        long columns = (long) classes * height * width;
        requireColumns(output, "logits", "[N, classes*H*W]", columns);
        requireColumns(labels, "labels", "[N, classes*H*W] gaussian heatmaps", columns);
        INDArray peak = labels.eq(1.0).castTo(output.dataType());
        INDArray notPeak = peak.rsub(1.0);
        INDArray logP = StableMath.logSigmoid(output);
        INDArray logNotP = StableMath.logSigmoid(output.neg());
        INDArray p = Transforms.exp(logP, true);
        INDArray notP = Transforms.exp(logNotP, true);
        INDArray pAlpha = Transforms.pow(p, alpha, true);
        INDArray notPAlpha = Transforms.pow(notP, alpha, true);
        // (1 - y)^beta restricted to non-peaks: the negative-term weight.
        INDArray negWeight = Transforms.pow(labels.rsub(1.0), beta, true).muli(notPeak);

        double scale = n * weight / Math.max(1.0, peak.sumNumber().doubleValue());
        INDArray positive = notPAlpha.mul(logP).muli(peak);
        INDArray negative = pAlpha.mul(logNotP).muli(negWeight);
        INDArray perExample = positive.addi(negative).sum(true, 1).muli(-scale);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        // d/dz of -(1-p)^a log p = -(1-p)^a (1 - p - a p log p); of -(1-y)^b p^a log(1-p) = (1-y)^b p^a (p - a (1-p)
        // log(1-p)).
        INDArray positiveGrad =
                notP.sub(p.mul(logP).muli(alpha)).muli(notPAlpha).muli(peak);
        INDArray negativeGrad =
                p.sub(notP.mul(logNotP).muli(alpha)).muli(pAlpha).muli(negWeight);
        INDArray gradient = negativeGrad.subi(positiveGrad).muli(scale);
        return new Terms(perExample, gradient);
    }

    public int getClasses() {
        return classes;
    }

    public int getHeight() {
        return height;
    }

    public int getWidth() {
        return width;
    }

    public double getAlpha() {
        return alpha;
    }

    public double getBeta() {
        return beta;
    }

    public double getWeight() {
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CenterNetFocalLoss other
                && classes == other.classes
                && height == other.height
                && width == other.width
                && alpha == other.alpha
                && beta == other.beta
                && weight == other.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(classes, height, width, alpha, beta, weight);
    }

    @Override
    public String toString() {
        return "CenterNetFocalLoss(classes=" + classes + ", height=" + height + ", width=" + width + ", alpha=" + alpha
                + ", beta=" + beta + ", weight=" + weight + ")";
    }
}
