package io.distill4j.data;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One sample as a dataset layout lists it, before any file is read: small, serializable, sortable by
 * id, so the shard job can list on the driver and decode on the executors.
 *
 * @param sampleId stable id derived from the dataset path, e.g.
 *                 {@code cityscapes/train/aachen/aachen_000000_000019} or {@code coco/val2017/000000000139}
 * @param dataset  the id of its {@link DatasetFormat}: {@link #CITYSCAPES} or {@link #COCO}
 * @param split    the split's directory name ({@code train}, {@code val2017}, ...)
 * @param imageUri the image file (a Hadoop path string)
 * @param labels   where its labels come from: a label map file (Cityscapes) or the image's COCO
 *                 annotations
 */
public record SourceSample(String sampleId, String dataset, String split, String imageUri, SourceLabels labels)
        implements Serializable, Comparable<SourceSample> {

    public static final String CITYSCAPES = "cityscapes";
    public static final String COCO = "coco";

    public SourceSample {
        Objects.requireNonNull(sampleId, "sampleId");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(imageUri, "imageUri");
        Objects.requireNonNull(labels, "labels");
        // Which datasets exist is the formats' list: DatasetFormats refuses a sample of another one.
    }

    /** A Cityscapes image and its labelIds map; sizes are known only after decoding. */
    public static SourceSample cityscapes(String sampleId, String split, String imageUri, String labelUri) {
        if (labelUri == null) {
            throw new IllegalArgumentException("sample " + sampleId + ": a Cityscapes sample needs a label file");
        }
        return new SourceSample(sampleId, CITYSCAPES, split, imageUri, new LabelMapFile(labelUri));
    }

    /** A COCO image with the size its annotation file declares and its annotations. */
    public static SourceSample coco(
            String sampleId,
            String split,
            String imageUri,
            long imageId,
            int declaredHeight,
            int declaredWidth,
            List<CocoObject> objects) {
        return new SourceSample(
                sampleId,
                COCO,
                split,
                imageUri,
                new CocoImageAnnotations(imageId, declaredHeight, declaredWidth, objects));
    }

    /**
     * The label map file of a segmentation sample.
     *
     * @throws IllegalArgumentException naming the sample when it lists another kind of labels
     */
    public LabelMapFile labelMap() {
        if (labels instanceof LabelMapFile f) return f;
        throw otherKind("a label map file");
    }

    /**
     * The COCO annotations of a detection sample.
     *
     * @throws IllegalArgumentException naming the sample when it lists another kind of labels
     */
    public CocoImageAnnotations cocoAnnotations() {
        if (labels instanceof CocoImageAnnotations a) return a;
        throw otherKind("COCO annotations");
    }

    private IllegalArgumentException otherKind(String wanted) {
        return new IllegalArgumentException(
                "sample " + sampleId + " of dataset '" + dataset + "' lists " + labels.describe() + ", not " + wanted);
    }

    @Override
    public int compareTo(SourceSample o) {
        return sampleId.compareTo(o.sampleId);
    }
}
