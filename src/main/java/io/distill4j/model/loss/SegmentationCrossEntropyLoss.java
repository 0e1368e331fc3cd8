package io.distill4j.model.loss;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Softmax cross-entropy for semantic segmentation, averaged over the non-ignored pixels of the
 * whole batch: {@code L = weight * (1/|R|) * sum_{i in R} -log softmax_c(z_i)[y_i]} with R the pixels
 * whose label is not {@code ignoreLabel} ({@code |R|} taken as 1 when empty).
 *
 * <p>Output: logits [N, K*H*W] (NCHW flattened in c order by {@code CnnToFeedForwardPreProcessor}).
 * Labels: trainIds as floats [N, H*W]. Ignored pixels add nothing and get a zero gradient.
 */
public final class SegmentationCrossEntropyLoss extends DenseLossFunction {

    /** Cityscapes' ignore trainId. */
    public static final int DEFAULT_IGNORE_LABEL = 255;

    @JsonProperty("classes")
    private final int classes;

    @JsonProperty("height")
    private final int height;

    @JsonProperty("width")
    private final int width;

    @JsonProperty("ignoreLabel")
    private final int ignoreLabel;

    @JsonProperty("weight")
    private final double weight;

    @JsonCreator
    public SegmentationCrossEntropyLoss(
            @JsonProperty("classes") int classes,
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("ignoreLabel") int ignoreLabel,
            @JsonProperty("weight") double weight) {
        this.classes = positive("classes", classes);
        this.height = positive("height", height);
        this.width = positive("width", width);
        if (ignoreLabel >= 0 && ignoreLabel < classes) {
            throw new IllegalArgumentException("ignoreLabel " + ignoreLabel + " is a class in [0, " + classes + ")");
        }
        this.ignoreLabel = ignoreLabel;
        this.weight = weight(weight);
    }

    /** Ignore label 255, weight 1. */
    public SegmentationCrossEntropyLoss(int classes, int height, int width) {
        this(classes, height, width, DEFAULT_IGNORE_LABEL, 1.0);
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        long n = output.size(0);
        long pixels = (long) height * width;
        requireColumns(output, "logits", "[N, classes*H*W]", classes * pixels);
        requireColumns(labels, "labels", "[N, H*W] trainIds", pixels);
        INDArray valid = labels.neq(ignoreLabel).castTo(output.dataType());
        requireKnownClasses(labels, valid);

        INDArray classIndex = Nd4j.arange(classes).castTo(output.dataType()).reshape(1, classes, 1);
        INDArray oneHot =
                labels.reshape('c', n, 1, pixels).sub(classIndex).eq(0).castTo(output.dataType());

        INDArray logProb = StableMath.logSoftmax(output.reshape('c', n, classes, pixels), 1);
        double validCount = Math.max(1.0, valid.sumNumber().doubleValue());
        double scale = n * weight / validCount;
        // oneHot is all zeros at ignored pixels, so they add nothing here.
        INDArray perExample = logProb.mul(oneHot).sum(1, 2).negi().muli(scale).reshape(n, 1);
        if (!withGradient) {
            return new Terms(perExample, null);
        }
        INDArray gradient = Transforms.exp(logProb, false)
                .subi(oneHot)
                .muli(valid.reshape('c', n, 1, pixels))
                .muli(scale);
        return new Terms(perExample, gradient.reshape('c', n, classes * pixels));
    }

    /** Fails, naming the sample and pixel, when a non-ignored label is not a class index. */
    private void requireKnownClasses(INDArray labels, INDArray valid) {
        INDArray unknown = labels.lt(0)
                .castTo(valid.dataType())
                .addi(labels.gte(classes).castTo(valid.dataType()))
                .muli(valid);
        if (unknown.sumNumber().doubleValue() == 0) {
            return;
        }
        for (long sample = 0; sample < labels.size(0); sample++) {
            for (long pixel = 0; pixel < labels.size(1); pixel++) {
                if (unknown.getDouble(sample, pixel) != 0) {
                    throw new IllegalArgumentException(name() + ": label " + labels.getDouble(sample, pixel)
                            + " at sample " + sample + " pixel " + pixel + " is neither a class in [0, " + classes
                            + ") nor the ignore label " + ignoreLabel);
                }
            }
        }
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

    public int getIgnoreLabel() {
        return ignoreLabel;
    }

    public double getWeight() {
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentationCrossEntropyLoss other
                && classes == other.classes
                && height == other.height
                && width == other.width
                && ignoreLabel == other.ignoreLabel
                && weight == other.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(classes, height, width, ignoreLabel, weight);
    }

    @Override
    public String toString() {
        return "SegmentationCrossEntropyLoss(classes=" + classes + ", height=" + height + ", width=" + width
                + ", ignoreLabel=" + ignoreLabel + ", weight=" + weight + ")";
    }
}
