package io.distill4j.data;

import java.io.Serializable;
import java.util.function.Function;

/**
 * What a shard sample is labelled with, one kind per dataset: a Cityscapes sample carries a
 * {@link SegmentationLabels} map, a COCO sample {@link DetectionLabels} boxes. Its
 * {@link DatasetFormat} builds the kind; a caller that needs one kind asks the record for it
 * ({@link ShardRecord#segmentation()}, {@link ShardRecord#detection()}) and gets it or a line naming
 * the sample, never a null.
 */
public sealed interface SampleLabels extends Serializable permits SegmentationLabels, DetectionLabels {

    /**
     * Refuses labels that do not fit an image of {@code height x width}; the message names the sample.
     *
     * @throws IllegalArgumentException when they do not fit
     */
    void requireFits(String sampleId, int height, int width);

    /** The one of the two functions that takes this kind, applied to it (Java 17 has no pattern switch). */
    <T> T match(
            Function<? super SegmentationLabels, ? extends T> segmentation,
            Function<? super DetectionLabels, ? extends T> detection);
}
