package io.distill4j.distill;

import io.distill4j.model.loss.DenseLossFunction;
import io.distill4j.model.loss.StableMath;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Knowledge distillation for per-class sigmoid outputs (CenterNet heatmaps, CrossKD on detectors):
 * with {@code p^T = sigmoid(t / tau)}, {@code p^S = sigmoid(s / tau)} per element,
 * <pre>
 *   L = weight * tau^2 * mean over all N*C*H*W elements of
 *       p^T (log p^T - log p^S) + (1 - p^T) (log(1 - p^T) - log(1 - p^S))
 * </pre>
 * Logs come from the stable log-sigmoid. Gradient per element: {@code tau * (p^S - p^T)}, scaled.
 *
 * <p>Output: student logits [N, C*H*W]; labels: teacher logits [N, C*H*W].
 */
public final class SigmoidKdLoss extends DenseLossFunction {

    @JsonProperty("channels")
    private final int channels;
    @JsonProperty("height")
    private final int height;
    @JsonProperty("width")
    private final int width;
    @JsonProperty("tau")
    private final double tau;
    @JsonProperty("weight")
    private final double weight;

    @JsonCreator
    public SigmoidKdLoss(@JsonProperty("channels") int channels, @JsonProperty("height") int height,
                         @JsonProperty("width") int width, @JsonProperty("tau") double tau,
                         @JsonProperty("weight") double weight) {
        this.channels = positive("channels", channels);
        this.height = positive("height", height);
        this.width = positive("width", width);
        this.tau = positive("tau", tau);
        this.weight = weight(weight);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        long columns = (long) channels * height * width;
        requireColumns(output, "student logits", "[N, C*H*W]", columns);
        requireColumns(labels, "labels", "[N, C*H*W] teacher logits", columns);
        INDArray s = output.div(tau);
        INDArray t = labels.div(tau);
        INDArray logPt = StableMath.logSigmoid(t);
        INDArray logNotPt = StableMath.logSigmoid(t.neg());
        INDArray pt = Transforms.exp(logPt, true);
        INDArray notPt = Transforms.exp(logNotPt, true);
        INDArray logPs = StableMath.logSigmoid(s);
        INDArray logNotPs = StableMath.logSigmoid(s.neg());
        // Every example has the same element count, so the mean over the batch's elements is the mean
        // over examples of per-example means: DL4J's division by N does the outer mean.
        double scale = weight * tau * tau / columns;
        INDArray kl = logPt.subi(logPs).muli(pt).addi(logNotPt.subi(logNotPs).muli(notPt));
        INDArray perExample = kl.sum(true, 1).muli(scale);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        INDArray gradient = Transforms.exp(logPs, false).subi(pt).muli(scale / tau);
        return new Terms(perExample, gradient);
    }

    public int getChannels() {
        return channels;
    }

    public int getHeight() {
        return height;
    }

    public int getWidth() {
        return width;
    }

    public double getTau() {
        return tau;
    }

    public double getWeight() {
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigmoidKdLoss other && channels == other.channels && height == other.height
                && width == other.width && tau == other.tau && weight == other.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, tau, weight);
    }

    @Override
    public String toString() {
        return "SigmoidKdLoss(channels=" + channels + ", height=" + height + ", width=" + width + ", tau=" + tau
                + ", weight=" + weight + ")";
    }
}
