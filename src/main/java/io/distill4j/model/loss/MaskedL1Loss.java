package io.distill4j.model.loss;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * L1 regression at masked pixels (CenterNet's size/offset heads):
 * {@code L = weight * (1/max(1, M)) * sum_{masked pixels} sum_c |s_c - t_c|}, M the number of
 * masked pixels in the batch.
 *
 * <p>Output: [N, C*H*W]; labels: [N, C*H*W + H*W] = regression targets followed by the per-pixel
 * mask (1 keep, 0 ignore; values above 0.5 count as keep). Unmasked pixels get a zero gradient.
 */
public final class MaskedL1Loss extends DenseLossFunction {

    @JsonProperty("channels")
    private final int channels;

    @JsonProperty("height")
    private final int height;

    @JsonProperty("width")
    private final int width;

    @JsonProperty("weight")
    private final double weight;

    @JsonCreator
    public MaskedL1Loss(
            @JsonProperty("channels") int channels,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("weight") double weight) {
        this.channels = positive("channels", channels);
        this.height = positive("height", height);
        this.width = positive("width", width);
        this.weight = weight(weight);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        long n = output.size(0);
        long pixels = (long) height * width;
        long columns = channels * pixels;
        requireColumns(output, "predictions", "[N, channels*H*W]", columns);
        requireColumns(labels, "labels", "[N, channels*H*W + H*W] targets then mask", columns + pixels);
        INDArray keep = keepMask(labels, columns, pixels).reshape('c', n, 1, pixels);
        INDArray difference = output.reshape('c', n, channels, pixels)
                .sub(columns(labels, 0, columns).reshape('c', n, channels, pixels));
        double scale = n * weight / Math.max(1.0, keep.sumNumber().doubleValue());
        INDArray perExample = Transforms.abs(difference, true)
                .muli(keep)
                .sum(1, 2)
                .muli(scale)
                .reshape(n, 1);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        INDArray gradient = Transforms.sign(difference, false).muli(keep).muli(scale);
        return new Terms(perExample, gradient.reshape('c', n, columns));
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

    public double getWeight() {
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskedL1Loss other
                && channels == other.channels
                && height == other.height
                && width == other.width
                && weight == other.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, weight);
    }

    @Override
    public String toString() {
        return "MaskedL1Loss(channels=" + channels + ", height=" + height + ", width=" + width + ", weight=" + weight
                + ")";
    }
}
