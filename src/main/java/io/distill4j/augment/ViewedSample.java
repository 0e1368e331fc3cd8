package io.distill4j.augment;

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
        byte[] label = r.segLabel() == null ? null : Resample.labels(r.segLabel(), r.height(), r.width(), v);
        float[] boxes = null;
        int[] categories = null;
        float[] areas = null;
        boolean[] crowd = null;
        if (r.boxes() != null) {
            ViewBoxes.Moved m = ViewBoxes.apply(r.boxes(), v);
            boxes = m.boxes();
            int[] ids = r.categoryIds();
            float[] a = r.areas();
            boolean[] c = r.iscrowd();
            categories = new int[m.kept().length];
            areas = new float[m.kept().length];
            crowd = new boolean[m.kept().length];
            for (int i = 0; i < m.kept().length; i++) {
                categories[i] = ids[m.kept()[i]];
                areas[i] = a[m.kept()[i]];
                crowd[i] = c[m.kept()[i]];
            }
        }
        return new ShardRecord(
                r.sampleId(),
                r.dataset(),
                r.split(),
                v.outHeight(),
                v.outWidth(),
                r.origHeight(),
                r.origWidth(),
                image,
                label,
                boxes,
                categories,
                areas,
                crowd,
                r.imageId(),
                r.sourceUri());
    }
}
