package io.distill4j.distill;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Deep mutual learning (Zhang et al. 2018) for two networks trained together in one graph: the
 * output is both networks' logits concatenated along channels, [a | b] flattened to
 * [N, 2*C*H*W], and the loss is
 * <pre>
 *   L = weight * tau^2 * (1/|R|) * sum_{i in R} [ KL(q_i^b || q_i^a) + KL(q_i^a || q_i^b) ]
 * </pre>
 * where each KL treats its first argument as a constant (the peer's detached prediction): the
 * gradient reaching a is exactly {@link PixelKdLoss}'s with b as the teacher, and vice versa. That
 * stop-gradient is what makes it mutual learning rather than minimising a symmetric divergence,
 * so the gradient is deliberately not the derivative of the score. Labels: the per-pixel valid
 * mask [N, H*W], or [N, 0] columns for none.
 */
public final class MutualKdLoss extends TemperedMapLoss {
    @JsonCreator
    public MutualKdLoss(
            @JsonProperty("channels") int channels,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("tau") double tau,
            @JsonProperty("weight") double weight) {
        super(channels, height, width, tau, weight);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        long pixels = (long) height * width;
        long half = channels * pixels;
        requireColumns(output, "both networks' logits", "[N, 2*C*H*W] ([a | b] along channels)", 2 * half);
        requireColumns(labels, "labels", "[N, H*W] valid mask", 0, pixels);
        INDArray a = columns(output, 0, half);
        INDArray b = columns(output, half, half);
        INDArray mask = labels.size(1) == 0 ? Nd4j.ones(output.dataType(), output.size(0), pixels) : labels;
        PixelKdLoss kd = new PixelKdLoss(channels, height, width, tau, weight);
        // a learns from b (b detached), b learns from a (a detached).
        Terms aFromB = kd.evaluate(Nd4j.hstack(b, mask), a, withGradient);
        Terms bFromA = kd.evaluate(Nd4j.hstack(a, mask), b, withGradient);
        INDArray perExample = aFromB.perExample().add(bFromA.perExample());
        return new Terms(perExample, withGradient ? Nd4j.hstack(aFromB.gradient(), bFromA.gradient()) : null);
    }
}
