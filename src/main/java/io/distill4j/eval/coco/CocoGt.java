package io.distill4j.eval.coco;

/**
 * One ground-truth box: bbox {@code [x, y, w, h]} in image pixels, the annotation's {@code area}
 * field (which decides the small/medium/large range, not the box) and the crowd flag (a crowd
 * region is ignored: detections on it are neither true nor false positives). Serializable because
 * the evaluate job collects ground truth from Spark executors.
 */
public record CocoGt(long imageId, int categoryId, double x, double y, double w, double h, double area, boolean iscrowd)
        implements java.io.Serializable {}
