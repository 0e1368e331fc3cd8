package io.distill4j.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One training sample after decode and resize: one row of the shard Parquet files.
 *
 * <p>Arrays are copied in and out, so a record is an immutable value; {@link #equals} and
 * {@link #hashCode} compare array contents (a plain record would compare array identity).
 *
 * @param sampleId    stable id from the dataset path (see {@link SourceSample#sampleId()})
 * @param dataset     {@code cityscapes} or {@code coco}
 * @param split       split directory name
 * @param height      height after resize
 * @param width       width after resize
 * @param origHeight  height of the decoded source image
 * @param origWidth   width of the decoded source image
 * @param image       uint8 RGB in CHW order after resize, length {@code 3 * height * width}
 * @param segLabel    uint8 trainIds, row-major {@code height * width}, 255 = ignore; null for COCO
 * @param boxes       {@code x, y, w, h} per object in resized pixel coordinates; null for Cityscapes
 * @param categoryIds original COCO category id per object; null for Cityscapes
 * @param areas       annotation area per object in ORIGINAL image pixels, as COCO gives it (COCOeval's
 *                    small/medium/large ranges use it); null for Cityscapes
 * @param iscrowd     crowd flag per object; null for Cityscapes
 * @param imageId     COCO image id, -1 for Cityscapes
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
        byte[] segLabel,
        float[] boxes,
        int[] categoryIds,
        float[] areas,
        boolean[] iscrowd,
        long imageId,
        String sourceUri)
        implements Serializable {

    public ShardRecord {
        Objects.requireNonNull(sampleId, "sampleId");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(sourceUri, "sourceUri");
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "sample " + sampleId + ": size must be positive, got " + height + "x" + width);
        }
        if (image.length != 3 * height * width) {
            throw new IllegalArgumentException("sample " + sampleId + ": image has " + image.length
                    + " bytes, expected 3*" + height + "*" + width);
        }
        if (segLabel != null && segLabel.length != height * width) {
            throw new IllegalArgumentException("sample " + sampleId + ": segLabel has " + segLabel.length
                    + " bytes, expected " + height + "*" + width);
        }
        if (boxes != null) {
            int n = boxes.length / 4;
            if (boxes.length % 4 != 0
                    || categoryIds == null
                    || areas == null
                    || iscrowd == null
                    || categoryIds.length != n
                    || areas.length != n
                    || iscrowd.length != n) {
                throw new IllegalArgumentException("sample " + sampleId + ": boxes (" + boxes.length
                        + " floats), categoryIds, areas and iscrowd must describe the same objects");
            }
        }
        image = image.clone();
        segLabel = segLabel == null ? null : segLabel.clone();
        boxes = boxes == null ? null : boxes.clone();
        categoryIds = categoryIds == null ? null : categoryIds.clone();
        areas = areas == null ? null : areas.clone();
        iscrowd = iscrowd == null ? null : iscrowd.clone();
    }

    /** Number of annotated objects (0 for Cityscapes). */
    public int objectCount() {
        return boxes == null ? 0 : boxes.length / 4;
    }

    @Override
    public byte[] image() {
        return image.clone();
    }

    @Override
    public byte[] segLabel() {
        return segLabel == null ? null : segLabel.clone();
    }

    @Override
    public float[] boxes() {
        return boxes == null ? null : boxes.clone();
    }

    @Override
    public int[] categoryIds() {
        return categoryIds == null ? null : categoryIds.clone();
    }

    @Override
    public float[] areas() {
        return areas == null ? null : areas.clone();
    }

    @Override
    public boolean[] iscrowd() {
        return iscrowd == null ? null : iscrowd.clone();
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
                && imageId == r.imageId
                && sourceUri.equals(r.sourceUri)
                && Arrays.equals(image, r.image)
                && Arrays.equals(segLabel, r.segLabel)
                && Arrays.equals(boxes, r.boxes)
                && Arrays.equals(categoryIds, r.categoryIds)
                && Arrays.equals(areas, r.areas)
                && Arrays.equals(iscrowd, r.iscrowd);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(sampleId, dataset, split, height, width, origHeight, origWidth, imageId, sourceUri);
        h = 31 * h + Arrays.hashCode(image);
        h = 31 * h + Arrays.hashCode(segLabel);
        h = 31 * h + Arrays.hashCode(boxes);
        h = 31 * h + Arrays.hashCode(categoryIds);
        h = 31 * h + Arrays.hashCode(areas);
        return 31 * h + Arrays.hashCode(iscrowd);
    }

    @Override
    public String toString() {
        return "ShardRecord[" + sampleId + ", " + height + "x" + width + " (orig " + origHeight + "x" + origWidth
                + "), objects=" + objectCount() + ", seg=" + (segLabel != null) + ", source=" + sourceUri + "]";
    }
}
