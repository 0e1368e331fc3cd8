package io.distill4j.data.coco;

import io.distill4j.data.CocoObject;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of {@code annotations}.
 *
 * @param bbox         {@code [x, y, w, h]} in original image pixels
 * @param area         COCO's area in original pixels (the mask's, not the box's)
 * @param segmentation polygons or RLE; null when the reader was asked to skip segmentations
 */
public record CocoAnnotation(
        long id,
        long imageId,
        int categoryId,
        float[] bbox,
        double area,
        boolean iscrowd,
        CocoSegmentation segmentation)
        implements Serializable {

    public CocoAnnotation {
        Objects.requireNonNull(bbox, "bbox");
        if (bbox.length != 4) throw new IllegalArgumentException("annotation " + id + ": bbox must have 4 numbers");
        bbox = bbox.clone();
    }

    @Override
    public float[] bbox() {
        return bbox.clone();
    }

    /** The fields the shard job carries. */
    public CocoObject toObject() {
        return new CocoObject(id, categoryId, bbox, (float) area, iscrowd);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CocoAnnotation a
                && id == a.id
                && imageId == a.imageId
                && categoryId == a.categoryId
                && Arrays.equals(bbox, a.bbox)
                && Double.compare(area, a.area) == 0
                && iscrowd == a.iscrowd
                && Objects.equals(segmentation, a.segmentation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, imageId, categoryId, Arrays.hashCode(bbox), area, iscrowd);
    }

    @Override
    public String toString() {
        return "CocoAnnotation[id=" + id + ", image=" + imageId + ", category=" + categoryId + ", bbox="
                + Arrays.toString(bbox) + ", area=" + area + ", iscrowd=" + iscrowd + "]";
    }
}
