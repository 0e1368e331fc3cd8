package io.distill4j.augment;

import io.distill4j.data.DetectionLabels;
import io.distill4j.data.SampleLabels;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;

/**
 * A shard sample seen through a {@link View}: the record the student trains on, at the view's output
 * size, with its image resampled bilinearly, its labels nearest, and its boxes moved, clipped and
 * filtered ({@link ViewBoxes}). COCO areas (original-image pixels, used only by evaluation) follow
 * their boxes unchanged.
 */
public final class ViewedSample {
    private ViewedSample() {}

    public static ShardRecord of(ShardRecord r, View v) {
        if (v.isIdentity(r.height(), r.width())) return r;
        byte[] image = Resample.image(r.image(), r.height(), r.width(), v);
        SampleLabels labels = r.labels()
                .match(
                        seg -> new SegmentationLabels(Resample.labels(seg.trainIds(), r.height(), r.width(), v)),
                        det -> moved(det, v));
        return new ShardRecord(
                r.sampleId(),
                r.dataset(),
                r.split(),
                v.outHeight(),
                v.outWidth(),
                r.origHeight(),
                r.origWidth(),
                image,
                labels,
                r.sourceUri());
    }

    /** The objects whose boxes the view keeps, each with its category, area and crowd flag; the same image. */
    private static DetectionLabels moved(DetectionLabels d, View v) {
        ViewBoxes.Moved m = ViewBoxes.apply(d.boxes(), v);
        int[] ids = d.categoryIds();
        float[] a = d.areas();
        boolean[] c = d.iscrowd();
        int[] kept = m.kept();
        int[] categories = new int[kept.length];
        float[] areas = new float[kept.length];
        boolean[] crowd = new boolean[kept.length];
        for (int i = 0; i < kept.length; i++) {
            categories[i] = ids[kept[i]];
            areas[i] = a[kept[i]];
            crowd[i] = c[kept[i]];
        }
        return new DetectionLabels(d.imageId(), m.boxes(), categories, areas, crowd);
    }
}
