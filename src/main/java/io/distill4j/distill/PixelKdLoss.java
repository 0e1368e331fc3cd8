package io.distill4j.distill;

import io.distill4j.model.loss.StableMath;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Pixel-wise knowledge distillation (Hinton et al. 2015 per pixel; Liu et al. CVPR 2019):
 * <pre>
 *   q_i = softmax_c(z_i / tau),   L = weight * tau^2 * (1/|R|) * sum_{i in R} KL(q_i^T || q_i^S)
 * </pre>
 * R the valid pixels of the whole batch ({@code |R|} taken as 1 when empty). Classification KD is
 * the case H = W = 1. With tau = 1 and the peer's detached logits as labels it is the deep mutual
 * learning term KL(p_peer || p_self).
 *
 * <p>Output: student logits [N, C*H*W]. Labels: teacher logits [N, C*H*W], optionally followed by
 * a per-pixel valid mask [N, H*W] (1 keep, 0 ignore). Gradient: {@code tau * (q^S - q^T)} per
 * valid pixel, scaled as above; masked pixels get exactly zero.
 */
public final class PixelKdLoss extends TemperedMapLoss {

    @JsonCreator
    public PixelKdLoss(
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
        requireColumns(output, "student logits", "[N, C*H*W]", columns);
        requireColumns(
                labels,
                "labels",
                "[N, C*H*W] teacher logits, optionally + [N, H*W] valid mask",
                columns,
                columns + pixels);
        INDArray keep = keepMask(labels, columns, pixels);
        INDArray logQs =
                StableMath.logSoftmax(output.reshape('c', n, channels, pixels).div(tau), 1);
        INDArray logQt = StableMath.logSoftmax(
                columns(labels, 0, columns).reshape('c', n, channels, pixels).div(tau), 1);
        INDArray qt = Transforms.exp(logQt, true);
        double scale = n * weight * tau * tau / Math.max(1.0, keep.sumNumber().doubleValue());
        INDArray klPerPixel = logQt.subi(logQs).muli(qt).sum(1);
        INDArray perExample = klPerPixel.muli(keep).sum(true, 1).muli(scale);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        INDArray gradient = Transforms.exp(logQs, false)
                .subi(qt)
                .muli(keep.reshape('c', n, 1, pixels))
                .muli(scale / tau);
        return new Terms(perExample, gradient.reshape('c', n, columns));
    }
}
