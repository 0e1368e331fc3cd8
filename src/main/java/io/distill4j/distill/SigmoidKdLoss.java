package io.distill4j.distill;

import io.distill4j.model.loss.StableMath;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

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
public final class SigmoidKdLoss extends TemperedMapLoss {

    @JsonCreator
    public SigmoidKdLoss(
            @JsonProperty("channels") int channels,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("tau") double tau,
            @JsonProperty("weight") double weight) {
        super(channels, height, width, tau, weight);
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
}
