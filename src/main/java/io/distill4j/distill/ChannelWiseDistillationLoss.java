package io.distill4j.distill;

import io.distill4j.model.loss.StableMath;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Channel-wise distillation, CWD (Shu et al. ICCV 2021): each channel's map becomes a distribution
 * over its H*W positions, {@code phi(y_c) = softmax_hw(y_c / tau)}, and
 * <pre>
 *   L = weight * (1/N) * sum_n tau^2 / C * sum_c sum_i phi(y_c^T)_i (log phi(y_c^T)_i - log phi(y_c^S)_i)
 * </pre>
 * Works on logits (C = classes) and on feature maps. Student and teacher must have the same channel
 * count: when they differ, the graph puts a 1x1 convolution adapter on the student in front of this
 * loss. Adding a constant to a whole student channel does not change the loss.
 *
 * <p>Output: student map [N, C*H*W]; labels: teacher map [N, C*H*W], both NCHW flattened in c order.
 */
public final class ChannelWiseDistillationLoss extends TemperedMapLoss {

    @JsonCreator
    public ChannelWiseDistillationLoss(
            @JsonProperty("channels") int channels,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("tau") double tau,
            @JsonProperty("weight") double weight) {
        super(channels, height, width, tau, weight);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        long n = output.size(0);
        long pixels = (long) height * width;
        long columns = channels * pixels;
        requireColumns(output, "student map", "[N, C*H*W]", columns);
        requireColumns(labels, "labels", "[N, C*H*W] teacher map", columns);
        INDArray logPhiS =
                StableMath.logSoftmax(output.reshape('c', n, channels, pixels).div(tau), 2);
        INDArray logPhiT =
                StableMath.logSoftmax(labels.reshape('c', n, channels, pixels).div(tau), 2);
        INDArray phiT = Transforms.exp(logPhiT, true);
        // Batch averaging is DL4J's own division by N, so the sum form needs no factor N.
        double scale = weight * tau * tau / channels;
        INDArray perExample =
                logPhiT.subi(logPhiS).muli(phiT).sum(1, 2).muli(scale).reshape(n, 1);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        INDArray gradient = Transforms.exp(logPhiS, false).subi(phiT).muli(scale / tau);
        return new Terms(perExample, gradient.reshape('c', n, columns));
    }
}
