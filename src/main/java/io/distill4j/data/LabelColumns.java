package io.distill4j.data;

/**
 * The label columns of a shard row as the Parquet schema has them: {@code seg_label} set for a
 * segmentation sample, {@code boxes}, {@code category_ids}, {@code areas}, {@code iscrowd} and the
 * COCO {@code image_id} for a detection sample, the other kind's columns null and a segmentation
 * row's {@code image_id} {@value #NO_IMAGE_ID} (the column is not nullable). The schema is a public
 * contract, so the nulls and the -1 live here, between the typed {@link SampleLabels} and the files,
 * and nowhere else. Arrays are passed through without copies: a value of this class lives only while
 * a row is written or read.
 */
public record LabelColumns(
        byte[] segLabel, float[] boxes, int[] categoryIds, float[] areas, boolean[] iscrowd, long imageId) {

    /** The {@code image_id} of a segmentation row, which has no COCO image. */
    public static final long NO_IMAGE_ID = -1;

    /** The columns of a sample's labels. */
    public static LabelColumns of(SampleLabels labels) {
        return labels.match(
                s -> new LabelColumns(s.trainIds(), null, null, null, null, NO_IMAGE_ID),
                d -> new LabelColumns(null, d.boxes(), d.categoryIds(), d.areas(), d.iscrowd(), d.imageId()));
    }

    /**
     * The typed labels these columns hold.
     *
     * @throws IllegalArgumentException naming the sample when the row holds both kinds, neither,
     *     detection columns that describe different objects, or a segmentation map with an image id
     */
    public SampleLabels labels(String sampleId) {
        boolean detection = boxes != null || categoryIds != null || areas != null || iscrowd != null;
        if (segLabel != null && detection) {
            throw new IllegalArgumentException(
                    "sample " + sampleId + ": has both seg_label and boxes; a shard row holds one kind of labels");
        }
        if (segLabel != null) {
            if (imageId != NO_IMAGE_ID) {
                throw new IllegalArgumentException("sample " + sampleId + ": has seg_label and image_id " + imageId
                        + "; a segmentation row has image_id " + NO_IMAGE_ID);
            }
            return new SegmentationLabels(segLabel);
        }
        if (!detection) {
            throw new IllegalArgumentException("sample " + sampleId + ": has neither seg_label nor boxes");
        }
        try {
            return new DetectionLabels(imageId, boxes, categoryIds, areas, iscrowd);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sample " + sampleId + ": " + e.getMessage(), e);
        }
    }
}
