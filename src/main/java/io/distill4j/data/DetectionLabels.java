package io.distill4j.data;

import java.util.Arrays;
import java.util.function.Function;

/**
 * A detection sample's labels: the COCO image they annotate and its annotated objects, the i-th
 * object in each array. Copied in and out, so the value is immutable; equality compares contents.
 *
 * @param imageId     the COCO image id, which ground truth and results files key the image by
 * @param boxes       {@code x, y, w, h} per object in resized pixel coordinates
 * @param categoryIds original COCO category id per object
 * @param areas       annotation area per object in ORIGINAL image pixels, as COCO gives it (COCOeval's
 *                    small/medium/large ranges use it)
 * @param iscrowd     crowd flag per object
 */
public record DetectionLabels(long imageId, float[] boxes, int[] categoryIds, float[] areas, boolean[] iscrowd)
        implements SampleLabels {
    // 2: the image id moved here from ShardRecord; a stream without it must not read back as image 0.
    private static final long serialVersionUID = 2L;

    /** @throws IllegalArgumentException when an array is missing or the arrays count different objects */
    public DetectionLabels {
        if (boxes == null
                || categoryIds == null
                || areas == null
                || iscrowd == null
                || boxes.length % 4 != 0
                || categoryIds.length != boxes.length / 4
                || areas.length != boxes.length / 4
                || iscrowd.length != boxes.length / 4) {
            throw new IllegalArgumentException("boxes (" + (boxes == null ? "none" : boxes.length + " floats")
                    + "), categoryIds, areas and iscrowd must describe the same objects");
        }
        boxes = boxes.clone();
        categoryIds = categoryIds.clone();
        areas = areas.clone();
        iscrowd = iscrowd.clone();
    }

    /** Number of annotated objects. */
    public int objectCount() {
        return categoryIds.length;
    }

    @Override
    public float[] boxes() {
        return boxes.clone();
    }

    @Override
    public int[] categoryIds() {
        return categoryIds.clone();
    }

    @Override
    public float[] areas() {
        return areas.clone();
    }

    @Override
    public boolean[] iscrowd() {
        return iscrowd.clone();
    }

    /** Boxes are not checked against the image: COCO's may overshoot it slightly (CocoFormat checks them). */
    @Override
    public void requireFits(String sampleId, int height, int width) {}

    @Override
    public <T> T match(
            Function<? super SegmentationLabels, ? extends T> segmentation,
            Function<? super DetectionLabels, ? extends T> detection) {
        return detection.apply(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectionLabels d
                && imageId == d.imageId
                && Arrays.equals(boxes, d.boxes)
                && Arrays.equals(categoryIds, d.categoryIds)
                && Arrays.equals(areas, d.areas)
                && Arrays.equals(iscrowd, d.iscrowd);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(imageId);
        h = 31 * h + Arrays.hashCode(boxes);
        h = 31 * h + Arrays.hashCode(categoryIds);
        h = 31 * h + Arrays.hashCode(areas);
        return 31 * h + Arrays.hashCode(iscrowd);
    }

    @Override
    public String toString() {
        return "DetectionLabels[image " + imageId + ", " + objectCount() + " objects]";
    }
}
