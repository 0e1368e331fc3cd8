package io.distill4j.augment;

/**
 * Detection boxes {@code x, y, w, h} (shard pixels) carried into a view: moved and rescaled, clipped
 * to the view, mirrored with it, and dropped when less than {@link #MIN_VISIBLE} of the box's area
 * (in the view's pixels) stays inside it, as most of such an object is cut away and its centre
 * would lie on a part the student does not see.
 */
public final class ViewBoxes {
    /** The smallest visible fraction of a box's area that keeps it. */
    public static final double MIN_VISIBLE = 0.25;

    private ViewBoxes() {}

    /**
     * @param kept the index of each output box in the input (the caller filters its parallel arrays with it)
     * @param boxes x, y, w, h per kept box in the view's pixels
     */
    public record Moved(int[] kept, float[] boxes) {}

    public static Moved apply(float[] boxes, View v) {
        int n = boxes.length / 4;
        double s = v.scale();
        double sx = v.outWidth() / v.width();
        int[] kept = new int[n];
        float[] out = new float[boxes.length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            double x0 = (boxes[4 * i] - v.left()) * sx, y0 = (boxes[4 * i + 1] - v.top()) * s;
            double x1 = x0 + boxes[4 * i + 2] * sx, y1 = y0 + boxes[4 * i + 3] * s;
            double area = (x1 - x0) * (y1 - y0);
            double cx0 = Math.max(0, x0), cy0 = Math.max(0, y0);
            double cx1 = Math.min(v.outWidth(), x1), cy1 = Math.min(v.outHeight(), y1);
            double visible = Math.max(0, cx1 - cx0) * Math.max(0, cy1 - cy0);
            if (area <= 0 || visible < MIN_VISIBLE * area) continue;
            if (v.flip()) {
                double f0 = v.outWidth() - cx1;
                cx1 = v.outWidth() - cx0;
                cx0 = f0;
            }
            kept[k] = i;
            out[4 * k] = (float) cx0;
            out[4 * k + 1] = (float) cy0;
            out[4 * k + 2] = (float) (cx1 - cx0);
            out[4 * k + 3] = (float) (cy1 - cy0);
            k++;
        }
        return new Moved(java.util.Arrays.copyOf(kept, k), java.util.Arrays.copyOf(out, 4 * k));
    }
}
