package io.distill4j.eval.detect;

/**
 * Training targets for a CenterNet head, the inverse of {@link CenterNetDecoder}: a Gaussian
 * heatmap per class (CenterNet's radius rule, peak exactly 1 at the centre cell, max where
 * Gaussians overlap), and at each centre cell the box size and sub-cell offset with a mask.
 * Two objects with the same centre cell: the later one's regression target wins (a dense map has
 * one slot per cell).
 */
public final class CenterNetTargets {
    /** CenterNet's minimum IoU a box shifted within the radius still has with the true box. */
    public static final double MIN_OVERLAP = 0.7;

    /**
     * @param heatmap [K*h*w] CHW, values in [0, 1]
     * @param reg     [4*h*w] CHW: width, height, dx, dy in output-grid units
     * @param mask    [h*w]: 1 at object centres, else 0
     */
    public record Targets(int numClasses, int height, int width, float[] heatmap, float[] reg, float[] mask) {}

    private CenterNetTargets() {}

    /**
     * @param boxes    [n][4] x, y, w, h in input pixels
     * @param classIdx contiguous class index per box, 0..K-1
     */
    public static Targets encode(double[][] boxes, int[] classIdx, int numClasses, int inputH, int inputW, int stride) {
        if (boxes.length != classIdx.length) {
            throw new IllegalArgumentException(boxes.length + " boxes but " + classIdx.length + " class indices");
        }
        if (inputH % stride != 0 || inputW % stride != 0) {
            throw new IllegalArgumentException(
                    "input " + inputH + "x" + inputW + " is not a multiple of stride " + stride);
        }
        int h = inputH / stride;
        int w = inputW / stride;
        int hw = h * w;
        float[] heat = new float[numClasses * hw];
        float[] reg = new float[4 * hw];
        float[] mask = new float[hw];
        for (int i = 0; i < boxes.length; i++) {
            int c = classIdx[i];
            if (c < 0 || c >= numClasses) {
                throw new IllegalArgumentException(
                        "box " + i + ": class index " + c + " outside 0.." + (numClasses - 1));
            }
            double bw = boxes[i][2] / stride;
            double bh = boxes[i][3] / stride;
            if (bw <= 0 || bh <= 0) continue;
            double cx = (boxes[i][0] + boxes[i][2] / 2) / stride;
            double cy = (boxes[i][1] + boxes[i][3] / 2) / stride;
            int ix = (int) Math.floor(cx);
            int iy = (int) Math.floor(cy);
            if (ix < 0 || iy < 0 || ix >= w || iy >= h) continue;
            int radius = Math.max(0, (int) gaussianRadius(Math.ceil(bh), Math.ceil(bw), MIN_OVERLAP));
            drawGaussian(heat, c * hw, h, w, ix, iy, radius);
            int cell = iy * w + ix;
            reg[cell] = (float) bw;
            reg[hw + cell] = (float) bh;
            reg[2 * hw + cell] = (float) (cx - ix);
            reg[3 * hw + cell] = (float) (cy - iy);
            mask[cell] = 1;
        }
        return new Targets(numClasses, h, w, heat, reg, mask);
    }

    /**
     * CenterNet's (and CornerNet's) radius: the smallest of the three quadratic solutions for a
     * corner shift that keeps IoU >= minOverlap. Kept as the reference code has it (its roots are
     * not divided by 2a), so targets match models trained with it.
     */
    static double gaussianRadius(double height, double width, double minOverlap) {
        double b1 = height + width;
        double c1 = width * height * (1 - minOverlap) / (1 + minOverlap);
        double r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
        double b2 = 2 * (height + width);
        double c2 = (1 - minOverlap) * width * height;
        double r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
        double a3 = 4 * minOverlap;
        double b3 = -2 * minOverlap * (height + width);
        double c3 = (minOverlap - 1) * width * height;
        double r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
        return Math.min(r1, Math.min(r2, r3));
    }

    /** Max-merges a (2r+1)^2 Gaussian with sigma = (2r+1)/6 centred on (cx, cy), peak 1. */
    private static void drawGaussian(float[] heat, int off, int h, int w, int cx, int cy, int radius) {
        double sigma = (2 * radius + 1) / 6.0;
        for (int dy = -radius; dy <= radius; dy++) {
            int y = cy + dy;
            if (y < 0 || y >= h) continue;
            for (int dx = -radius; dx <= radius; dx++) {
                int x = cx + dx;
                if (x < 0 || x >= w) continue;
                float g = (float) Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                int i = off + y * w + x;
                if (g > heat[i]) heat[i] = g;
            }
        }
    }
}
