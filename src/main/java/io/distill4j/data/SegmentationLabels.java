package io.distill4j.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * A segmentation sample's labels: its uint8 trainIds, row-major {@code height * width} of its
 * record, 255 = ignore. Copied in and out, so the value is immutable; equality compares contents.
 */
public record SegmentationLabels(byte[] trainIds) implements SampleLabels {
    private static final long serialVersionUID = 1L;

    public SegmentationLabels {
        trainIds = Objects.requireNonNull(trainIds, "trainIds").clone();
    }

    @Override
    public byte[] trainIds() {
        return trainIds.clone();
    }

    @Override
    public void requireFits(String sampleId, int height, int width) {
        if (trainIds.length != height * width) {
            throw new IllegalArgumentException("sample " + sampleId + ": segLabel has " + trainIds.length
                    + " bytes, expected " + height + "*" + width);
        }
    }

    @Override
    public <T> T match(
            Function<? super SegmentationLabels, ? extends T> segmentation,
            Function<? super DetectionLabels, ? extends T> detection) {
        return segmentation.apply(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentationLabels s && Arrays.equals(trainIds, s.trainIds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(trainIds);
    }

    @Override
    public String toString() {
        return "SegmentationLabels[" + trainIds.length + " pixels]";
    }
}
