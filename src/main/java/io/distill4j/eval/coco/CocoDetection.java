package io.distill4j.eval.coco;

/**
 * One detection in COCO results form: original category id, bbox {@code [x, y, w, h]} in original
 * image pixels, confidence score. Serializable because the evaluate job collects detections from
 * Spark executors.
 */
public record CocoDetection(long imageId, int categoryId, double x, double y, double w, double h, double score)
        implements java.io.Serializable {
    /** Area as pycocotools' {@code loadRes} sets it for bbox results: w * h. */
    public double area() {
        return w * h;
    }
}
