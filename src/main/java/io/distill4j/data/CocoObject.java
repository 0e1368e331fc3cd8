package io.distill4j.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One COCO annotation as the shard job needs it: box {@code [x, y, w, h]} in original image pixels,
 * the original (non-contiguous) category id, the annotation area in original pixels as COCO gives it
 * (COCOeval's area ranges use it), and the crowd flag. Lives beside {@link CocoImageAnnotations} so that the
 * data package does not depend on the COCO reader.
 */
public record CocoObject(long annotationId, int categoryId, float[] bbox, float area, boolean iscrowd)
        implements Serializable {

    public CocoObject {
        Objects.requireNonNull(bbox, "bbox");
        if (bbox.length != 4) {
            throw new IllegalArgumentException(
                    "annotation " + annotationId + ": bbox must have 4 numbers, got " + bbox.length);
        }
        bbox = bbox.clone();
    }

    @Override
    public float[] bbox() {
        return bbox.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CocoObject c
                && annotationId == c.annotationId
                && categoryId == c.categoryId
                && Arrays.equals(bbox, c.bbox)
                && Float.compare(area, c.area) == 0
                && iscrowd == c.iscrowd;
    }

    @Override
    public int hashCode() {
        return Objects.hash(annotationId, categoryId, Arrays.hashCode(bbox), area, iscrowd);
    }

    @Override
    public String toString() {
        return "CocoObject[id=" + annotationId + ", category=" + categoryId + ", bbox=" + Arrays.toString(bbox)
                + ", area=" + area + ", iscrowd=" + iscrowd + "]";
    }
}
