package io.distill4j.data;

/**
 * The label columns of a shard row as the Parquet schema has them: {@code seg_label} set for a
 * segmentation sample, {@code boxes}, {@code category_ids}, {@code areas} and {@code iscrowd} for a
 * detection sample, the other kind's columns null. The schema is a public contract, so the nulls
 * live here, between the typed {@link SampleLabels} and the files, and nowhere else. Arrays are
 * passed through without copies: a value of this class lives only while a row is written or read.
 */
public record LabelColumns(byte[] segLabel, float[] boxes, int[] categoryIds, float[] areas, boolean[] iscrowd) {

    /** The columns of a sample's labels. */
    public static LabelColumns of(SampleLabels labels) {
        return labels.match(
                s -> new LabelColumns(s.trainIds(), null, null, null, null),
                d -> new LabelColumns(null, d.boxes(), d.categoryIds(), d.areas(), d.iscrowd()));
    }

    /**
     * The typed labels these columns hold.
     *
     * @throws IllegalArgumentException naming the sample when the row holds both kinds, neither, or
     *     detection columns that describe different objects
     */
    public SampleLabels labels(String sampleId) {
        boolean detection = boxes != null || categoryIds != null || areas != null || iscrowd != null;
        if (segLabel != null && detection) {
            throw new IllegalArgumentException(
                    "sample " + sampleId + ": has both seg_label and boxes; a shard row holds one kind of labels");
        }
        if (segLabel != null) return new SegmentationLabels(segLabel);
        if (!detection) {
            throw new IllegalArgumentException("sample " + sampleId + ": has neither seg_label nor boxes");
        }
        try {
            return new DetectionLabels(boxes, categoryIds, areas, iscrowd);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sample " + sampleId + ": " + e.getMessage(), e);
        }
    }
}
