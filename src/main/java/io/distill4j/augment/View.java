package io.distill4j.augment;

import java.io.Serializable;
import java.util.Locale;

/**
 * One geometric view of a shard image: the box {@code [top, top + height) x [left, left + width)}
 * in shard pixels (it may reach outside the image, which is then padding) resampled to
 * {@code outHeight x outWidth} pixels, then mirrored left to right when {@code flip}. The same
 * rescale factor applies to both axes: {@link #scale()} = outHeight / height = outWidth / width.
 *
 * <p>Coordinates follow the half-pixel convention: pixel i covers [i, i + 1) and its centre is at
 * i + 0.5, so output pixel (y, x) samples the shard at
 * {@code (top + (y + 0.5) * height / outHeight, left + (x' + 0.5) * width / outWidth)} with
 * {@code x' = flip ? outWidth - 1 - x : x}.
 */
public record View(double top, double left, double height, double width, int outHeight, int outWidth, boolean flip)
        implements Serializable {

    public View {
        if (!(height > 0 && width > 0) || outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("view needs a positive box and output size, got box " + height + "x"
                    + width + " -> " + outHeight + "x" + outWidth);
        }
        if (!Double.isFinite(top) || !Double.isFinite(left)) {
            throw new IllegalArgumentException("view box corner must be finite, got " + top + "," + left);
        }
    }

    /** The whole {@code height x width} image, unscaled, not flipped. */
    public static View identity(int height, int width) {
        return new View(0, 0, height, width, height, width, false);
    }

    public boolean isIdentity(int sourceHeight, int sourceWidth) {
        return top == 0
                && left == 0
                && height == sourceHeight
                && width == sourceWidth
                && outHeight == sourceHeight
                && outWidth == sourceWidth
                && !flip;
    }

    /** Output pixels per shard pixel (the same on both axes when drawn by {@link ViewSampler}). */
    public double scale() {
        return outHeight / height;
    }

    /** Shard row (continuous) of output row {@code y}'s centre, for an output grid of {@code rows} rows. */
    double sourceY(double y, int rows) {
        return top + (y + 0.5) * height / rows;
    }

    /** Shard column (continuous) of output column {@code x}'s centre on a grid of {@code cols} columns (flip applied). */
    double sourceX(int x, int cols) {
        int v = flip ? cols - 1 - x : x;
        return left + (v + 0.5) * width / cols;
    }

    /**
     * The view as one line that {@link #parse} reads back exactly, e.g.
     * {@code crop=12.5,0.0,32.0,64.0;out=32x64;flip=1} (crop = top,left,height,width in shard pixels).
     */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "crop=%s,%s,%s,%s;out=%dx%d;flip=%d",
                Double.toString(top),
                Double.toString(left),
                Double.toString(height),
                Double.toString(width),
                outHeight,
                outWidth,
                flip ? 1 : 0);
    }

    /** Reads {@link #describe()}'s form; a malformed text is named in the exception. */
    public static View parse(String text) {
        try {
            String[] parts = text.split(";");
            if (parts.length != 3
                    || !parts[0].startsWith("crop=")
                    || !parts[1].startsWith("out=")
                    || !parts[2].startsWith("flip=")) {
                throw new IllegalArgumentException("expected crop=top,left,height,width;out=HxW;flip=0|1");
            }
            String[] box = parts[0].substring(5).split(",");
            String[] out = parts[1].substring(4).split("x");
            String flip = parts[2].substring(5);
            if (box.length != 4 || out.length != 2 || !(flip.equals("0") || flip.equals("1"))) {
                throw new IllegalArgumentException("expected crop=top,left,height,width;out=HxW;flip=0|1");
            }
            return new View(
                    Double.parseDouble(box[0]),
                    Double.parseDouble(box[1]),
                    Double.parseDouble(box[2]),
                    Double.parseDouble(box[3]),
                    Integer.parseInt(out[0]),
                    Integer.parseInt(out[1]),
                    flip.equals("1"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a view: '" + text + "' (" + e.getMessage() + ")", e);
        }
    }
}
