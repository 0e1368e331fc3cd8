package io.distill4j.data;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One sample as a dataset layout lists it, before any file is read: small, serializable, sortable by
 * id, so the shard job can list on the driver and decode on the executors.
 *
 * @param sampleId   stable id derived from the dataset path, e.g.
 *                   {@code cityscapes/train/aachen/aachen_000000_000019} or {@code coco/val2017/000000000139}
 * @param dataset    the id of its {@link DatasetFormat}: {@link #CITYSCAPES} or {@link #COCO}
 * @param split      the split's directory name ({@code train}, {@code val2017}, ...)
 * @param imageUri   the image file (a Hadoop path string)
 * @param labelUri   the label map file (Cityscapes), null for COCO
 * @param imageId    COCO image id, -1 for Cityscapes
 * @param origHeight image height declared by the annotations (COCO), -1 when unknown before decoding
 * @param origWidth  image width declared by the annotations (COCO), -1 when unknown before decoding
 * @param objects    COCO annotations of this image (empty for Cityscapes and for COCO images without any)
 */
public record SourceSample(
        String sampleId,
        String dataset,
        String split,
        String imageUri,
        String labelUri,
        long imageId,
        int origHeight,
        int origWidth,
        List<CocoObject> objects)
        implements Serializable, Comparable<SourceSample> {

    public static final String CITYSCAPES = "cityscapes";
    public static final String COCO = "coco";

    public SourceSample {
        Objects.requireNonNull(sampleId, "sampleId");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(imageUri, "imageUri");
        // Which datasets exist is the formats' list: DatasetFormats refuses a sample of another one.
        // List.copyOf makes an immutable, serializable copy.
        objects = objects == null ? List.of() : List.copyOf(objects);
    }

    /** A Cityscapes image and its labelIds map; sizes are known only after decoding. */
    public static SourceSample cityscapes(String sampleId, String split, String imageUri, String labelUri) {
        if (labelUri == null) {
            throw new IllegalArgumentException("sample " + sampleId + ": a Cityscapes sample needs a label file");
        }
        return new SourceSample(sampleId, CITYSCAPES, split, imageUri, labelUri, -1, -1, -1, List.of());
    }

    /** A COCO image with the size its annotation file declares and its annotations. */
    public static SourceSample coco(
            String sampleId,
            String split,
            String imageUri,
            long imageId,
            int origHeight,
            int origWidth,
            List<CocoObject> objects) {
        return new SourceSample(sampleId, COCO, split, imageUri, null, imageId, origHeight, origWidth, objects);
    }

    @Override
    public int compareTo(SourceSample o) {
        return sampleId.compareTo(o.sampleId);
    }
}
