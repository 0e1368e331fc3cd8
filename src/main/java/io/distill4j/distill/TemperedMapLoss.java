package io.distill4j.distill;

import io.distill4j.model.loss.DenseLossFunction;
import java.util.Objects;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The configuration shared by the losses that compare one C x H x W map at a temperature (pixel
 * KD, CWD, sigmoid KD, mutual learning): the map's shape, tau and the term's weight, validated
 * once, serialized by DL4J's JSON under the same property names, and compared by value.
 */
public abstract class TemperedMapLoss extends DenseLossFunction {
    @JsonProperty("channels")
    protected final int channels;

    @JsonProperty("height")
    protected final int height;

    @JsonProperty("width")
    protected final int width;

    @JsonProperty("tau")
    protected final double tau;

    @JsonProperty("weight")
    protected final double weight;

    protected TemperedMapLoss(int channels, int height, int width, double tau, double weight) {
        this.channels = positive("channels", channels);
        this.height = positive("height", height);
        this.width = positive("width", width);
        this.tau = positive("tau", tau);
        this.weight = weight(weight);
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
        return o != null
                && o.getClass() == getClass()
                && channels == ((TemperedMapLoss) o).channels
                && height == ((TemperedMapLoss) o).height
                && width == ((TemperedMapLoss) o).width
                && tau == ((TemperedMapLoss) o).tau
                && weight == ((TemperedMapLoss) o).weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), channels, height, width, tau, weight);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(channels=" + channels + ", height=" + height + ", width=" + width
                + ", tau=" + tau + ", weight=" + weight + ")";
    }
}
