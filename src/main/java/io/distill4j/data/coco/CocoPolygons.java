package io.distill4j.data.coco;

import java.util.Arrays;
import java.util.List;

/**
 * Rasterises COCO polygons to a mask.
 *
 * <p>Rule: even-odd fill sampled at pixel centres. Pixel {@code (x, y)} covers {@code [x, x+1) x [y, y+1)}
 * and is inside when its centre {@code (x + 0.5, y + 0.5)} is inside the polygon by the even-odd rule;
 * a centre exactly on a left or top edge is inside, on a right or bottom edge outside (half-open spans),
 * so two polygons sharing an edge never both claim a pixel. An annotation's several polygons are
 * united, as pycocotools merges them.
 *
 * <p>This is not pycocotools' {@code frPyObjects} (which walks the edges on a 5x upsampled grid):
 * the two agree inside shapes and may differ by single pixels along slanted edges, so areas differ
 * slightly from COCO's polygon areas. distill4j uses masks only for its own generated data (where
 * this rule defines the annotated area) and evaluates detection on boxes.
 */
public final class CocoPolygons {
    private CocoPolygons() {}

    /** The union of the polygons as a row-major 0/1 mask. */
    public static byte[] rasterize(List<double[]> polygons, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + height + "x" + width);
        }
        byte[] mask = new byte[height * width];
        for (double[] polygon : polygons) fill(polygon, height, width, mask);
        return mask;
    }

    /** Number of pixels inside the union of the polygons. */
    public static long area(List<double[]> polygons, int height, int width) {
        long n = 0;
        for (byte b : rasterize(polygons, height, width)) n += b;
        return n;
    }

    private static void fill(double[] xy, int height, int width, byte[] mask) {
        if (xy.length % 2 != 0) {
            throw new IllegalArgumentException("polygon has an odd number of coordinates (" + xy.length + ")");
        }
        int n = xy.length / 2;
        if (n < 3) return; // fewer than three vertices enclose nothing
        double[] crossings = new double[n];
        for (int y = 0; y < height; y++) {
            double cy = y + 0.5;
            int k = 0;
            for (int i = 0; i < n; i++) {
                double x0 = xy[2 * i], y0 = xy[2 * i + 1];
                int j = (i + 1) % n;
                double x1 = xy[2 * j], y1 = xy[2 * j + 1];
                // Half-open in y so a vertex on the scanline is counted once.
                if ((y0 <= cy && cy < y1) || (y1 <= cy && cy < y0)) {
                    crossings[k++] = x0 + (cy - y0) * (x1 - x0) / (y1 - y0);
                }
            }
            Arrays.sort(crossings, 0, k);
            for (int c = 0; c + 1 < k; c += 2) {
                // Centres x + 0.5 in [left, right): x from ceil(left - 0.5) to ceil(right - 0.5) - 1.
                int from = Math.max(0, (int) Math.ceil(crossings[c] - 0.5));
                int to = Math.min(width, (int) Math.ceil(crossings[c + 1] - 0.5));
                for (int x = from; x < to; x++) mask[y * width + x] = 1;
            }
        }
    }
}
