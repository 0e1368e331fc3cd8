package io.distill4j.eval.detect;

import io.distill4j.data.DetectionLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.coco.CocoDetection;
import io.distill4j.eval.coco.CocoGt;
import java.util.ArrayList;
import java.util.List;

/**
 * Coordinates between a COCO shard record (image and boxes resized to the shard size) and the
 * original image the COCO ground truth and results files speak of. The shard resize stretches
 * without letterbox or crop, so one scale per axis maps between the two.
 */
public final class ShardBoxes {
    private ShardBoxes() {}

    /** Original pixels per shard pixel along x: origWidth / width. */
    public static double scaleX(ShardRecord r) {
        return (double) r.origWidth() / r.width();
    }

    /** Original pixels per shard pixel along y: origHeight / height. */
    public static double scaleY(ShardRecord r) {
        return (double) r.origHeight() / r.height();
    }

    /**
     * The record's annotations as COCO ground truth in ORIGINAL image pixels with the original
     * category ids, areas (stored in original pixels) and crowd flags, in annotation order.
     * Boxes come back within float rounding of the instances file: the shards store them as
     * resized floats.
     *
     * @throws IllegalArgumentException naming the sample when it is labelled with a segmentation map
     */
    public static List<CocoGt> groundTruth(ShardRecord r) {
        DetectionLabels labels = r.detection();
        float[] b = labels.boxes();
        int[] cats = labels.categoryIds();
        float[] areas = labels.areas();
        boolean[] crowd = labels.iscrowd();
        double sx = scaleX(r);
        double sy = scaleY(r);
        List<CocoGt> out = new ArrayList<>(cats.length);
        for (int i = 0; i < cats.length; i++) {
            out.add(new CocoGt(
                    labels.imageId(),
                    cats[i],
                    b[4 * i] * sx,
                    b[4 * i + 1] * sy,
                    b[4 * i + 2] * sx,
                    b[4 * i + 3] * sy,
                    areas[i],
                    crowd[i]));
        }
        return out;
    }

    /** A ground-truth box in original pixels moved onto the shard image (for pictures). */
    public static CocoGt toShardPixels(CocoGt g, ShardRecord r) {
        double sx = scaleX(r);
        double sy = scaleY(r);
        return new CocoGt(
                g.imageId(), g.categoryId(), g.x() / sx, g.y() / sy, g.w() / sx, g.h() / sy, g.area(), g.iscrowd());
    }

    /** A detection in original pixels moved onto the shard image (for pictures). */
    public static CocoDetection toShardPixels(CocoDetection d, ShardRecord r) {
        double sx = scaleX(r);
        double sy = scaleY(r);
        return new CocoDetection(
                d.imageId(), d.categoryId(), d.x() / sx, d.y() / sy, d.w() / sx, d.h() / sy, d.score());
    }
}
