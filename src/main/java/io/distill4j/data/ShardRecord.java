package io.distill4j.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One training sample after decode and resize: one row of the shard Parquet files.
 *
 * <p>Arrays are copied in and out, so a record is an immutable value; {@link #equals} and
 * {@link #hashCode} compare array contents (a plain record would compare array identity). The
 * labels are one typed value whose kind the dataset decides; the record has no field that is null
 * or -1 for one dataset (the Parquet columns that are: {@link LabelColumns}). A detection sample's
 * COCO image id is part of its labels ({@link DetectionLabels#imageId()}).
 *
 * @param sampleId    stable id from the dataset path (see {@link SourceSample#sampleId()})
 * @param dataset     {@code cityscapes} or {@code coco}
 * @param split       split directory name
 * @param height      height after resize
 * @param width       width after resize
 * @param origHeight  height of the decoded source image
 * @param origWidth   width of the decoded source image
 * @param image       uint8 RGB in CHW order after resize, length {@code 3 * height * width}
 * @param labels      the trainId map (Cityscapes) or the annotated boxes and image id (COCO)
 * @param sourceUri   the image file the record was decoded from
 */
public record ShardRecord(
        String sampleId,
        String dataset,
        String split,
        int height,
        int width,
        int origHeight,
        int origWidth,
        byte[] image,
        SampleLabels labels,
        String sourceUri)
        implements Serializable {

    public ShardRecord {
        Objects.requireNonNull(sampleId, "sampleId");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(sourceUri, "sourceUri");
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "sample " + sampleId + ": size must be positive, got " + height + "x" + width);
        }
        if (image.length != 3 * height * width) {
            throw new IllegalArgumentException("sample " + sampleId + ": image has " + image.length
                    + " bytes, expected 3*" + height + "*" + width);
        }
        labels.requireFits(sampleId, height, width);
        image = image.clone();
    }

    @Override
    public byte[] image() {
        return image.clone();
    }

    /**
     * The segmentation map of a segmentation sample.
     *
     * @throws IllegalArgumentException naming the sample when it is labelled with boxes
     */
    public SegmentationLabels segmentation() {
        if (labels instanceof SegmentationLabels s) return s;
        throw new IllegalArgumentException(
                "sample " + sampleId + " of dataset '" + dataset + "' is labelled with boxes, not a segmentation map");
    }

    /**
     * The boxes of a detection sample.
     *
     * @throws IllegalArgumentException naming the sample when it is labelled with a segmentation map
     */
    public DetectionLabels detection() {
        if (labels instanceof DetectionLabels d) return d;
        throw new IllegalArgumentException(
                "sample " + sampleId + " of dataset '" + dataset + "' is labelled with a segmentation map, not boxes");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardRecord r
                && sampleId.equals(r.sampleId)
                && dataset.equals(r.dataset)
                && split.equals(r.split)
                && height == r.height
                && width == r.width
                && origHeight == r.origHeight
                && origWidth == r.origWidth
                && sourceUri.equals(r.sourceUri)
                && Arrays.equals(image, r.image)
                && labels.equals(r.labels);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(sampleId, dataset, split, height, width, origHeight, origWidth, sourceUri);
        h = 31 * h + Arrays.hashCode(image);
        return 31 * h + labels.hashCode();
    }

    @Override
    public String toString() {
        return "ShardRecord[" + sampleId + ", " + height + "x" + width + " (orig " + origHeight + "x" + origWidth
                + "), " + labels + ", source=" + sourceUri + "]";
    }
}
