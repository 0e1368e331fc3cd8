package io.distill4j.augment;

/**
 * A {@link View} applied to dense arrays: a uint8 image (bilinear), a label map (nearest, ignore
 * outside the image) and a float map at a stride such as teacher logits or features (bilinear,
 * zero outside the image). All are CHW, row-major.
 */
public final class Resample {
    /** The trainId of pixels that are not scored. */
    public static final int IGNORE = 255;
    /** Padding of the image: ImageNet's mean colour, which the input normalisation maps to about 0. */
    static final int[] PAD_RGB = {124, 116, 104};
    /** A sample position this close to a grid line takes that pixel alone (flips and aligned crops copy exactly). */
    private static final double SNAP = 1e-9;

    private Resample() {}

    /** A 3-channel uint8 CHW image of {@code height x width} seen through the view. */
    public static byte[] image(byte[] chw, int height, int width, View v) {
        int oh = v.outHeight(), ow = v.outWidth();
        byte[] out = new byte[3 * oh * ow];
        float[] channel = new float[height * width];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < channel.length; i++) channel[i] = chw[c * channel.length + i] & 0xFF;
            float[] r = bilinear(channel, height, width, height, width, v, oh, ow, PAD_RGB[c]);
            for (int i = 0; i < r.length; i++)
                out[c * oh * ow + i] = (byte) Math.max(0, Math.min(255, Math.round(r[i])));
        }
        return out;
    }

    /** A label map of {@code height x width} seen through the view: the label under each output centre. */
    public static byte[] labels(byte[] labels, int height, int width, View v) {
        int oh = v.outHeight(), ow = v.outWidth();
        byte[] out = new byte[oh * ow];
        for (int y = 0; y < oh; y++) {
            double sy = v.sourceY(y, oh);
            int iy = (int) Math.floor(sy);
            for (int x = 0; x < ow; x++) {
                double sx = v.sourceX(x, ow);
                int ix = (int) Math.floor(sx);
                out[y * ow + x] = iy < 0 || iy >= height || ix < 0 || ix >= width || sy < 0 || sx < 0
                        ? (byte) IGNORE
                        : labels[iy * width + ix];
            }
        }
        return out;
    }

    /**
     * A {@code channels x mapHeight x mapWidth} map computed on the whole {@code sourceHeight x
     * sourceWidth} image, resampled onto the view's output at the same stride: an
     * {@code outHeight * mapHeight / sourceHeight} by {@code outWidth * mapWidth / sourceWidth} grid.
     * Each cell takes the map's bilinear value at its centre; cells whose centre lies outside the
     * image are 0.
     */
    public static float[] map(
            float[] chw, int channels, int mapHeight, int mapWidth, int sourceHeight, int sourceWidth, View v) {
        int oh = outputCells(v.outHeight(), mapHeight, sourceHeight, "height");
        int ow = outputCells(v.outWidth(), mapWidth, sourceWidth, "width");
        int plane = mapHeight * mapWidth;
        if (chw.length != channels * plane) {
            throw new IllegalArgumentException(
                    "map has " + chw.length + " values, expected " + channels + "x" + mapHeight + "x" + mapWidth);
        }
        float[] out = new float[channels * oh * ow];
        float[] one = new float[plane];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(chw, c * plane, one, 0, plane);
            float[] r = bilinear(one, mapHeight, mapWidth, sourceHeight, sourceWidth, v, oh, ow, 0f);
            System.arraycopy(r, 0, out, c * oh * ow, r.length);
        }
        return out;
    }

    /** Cells of the transformed map along one axis: the view's output at the map's stride. */
    public static int outputCells(int outPixels, int mapCells, int sourcePixels, String axis) {
        long num = (long) outPixels * mapCells;
        if (num % sourcePixels != 0) {
            throw new IllegalArgumentException("a map of " + mapCells + " cells over " + sourcePixels + " pixels ("
                    + axis + ") has no whole number of cells over the view's " + outPixels + " pixels");
        }
        return (int) (num / sourcePixels);
    }

    /**
     * One plane of {@code rows x cols} covering a {@code sourceHeight x sourceWidth} image, sampled
     * bilinearly at the centres of an {@code oh x ow} grid over the view's output.
     */
    private static float[] bilinear(
            float[] plane, int rows, int cols, int sourceHeight, int sourceWidth, View v, int oh, int ow, float pad) {
        float[] out = new float[oh * ow];
        double toRow = (double) rows / sourceHeight, toCol = (double) cols / sourceWidth;
        for (int y = 0; y < oh; y++) {
            double sy = v.sourceY(y, oh);
            boolean rowOut = sy < 0 || sy >= sourceHeight;
            double gy = clamp(snap(sy * toRow - 0.5), rows - 1);
            int y0 = (int) Math.floor(gy);
            int y1 = Math.min(y0 + 1, rows - 1);
            double wy = gy - y0;
            for (int x = 0; x < ow; x++) {
                double sx = v.sourceX(x, ow);
                if (rowOut || sx < 0 || sx >= sourceWidth) {
                    out[y * ow + x] = pad;
                    continue;
                }
                double gx = clamp(snap(sx * toCol - 0.5), cols - 1);
                int x0 = (int) Math.floor(gx);
                int x1 = Math.min(x0 + 1, cols - 1);
                double wx = gx - x0;
                double top = plane[y0 * cols + x0] * (1 - wx) + (wx == 0 ? 0 : plane[y0 * cols + x1] * wx);
                double bottom =
                        wy == 0 ? 0 : plane[y1 * cols + x0] * (1 - wx) + (wx == 0 ? 0 : plane[y1 * cols + x1] * wx);
                out[y * ow + x] = (float) (top * (1 - wy) + bottom * wy);
            }
        }
        return out;
    }

    private static double snap(double g) {
        double r = Math.rint(g);
        return Math.abs(g - r) < SNAP ? r : g;
    }

    private static double clamp(double g, int max) {
        return Math.max(0, Math.min(max, g));
    }
}
