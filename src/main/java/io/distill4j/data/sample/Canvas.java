package io.distill4j.data.sample;

import io.distill4j.data.ChwImage;
import java.util.SplittableRandom;

/**
 * An RGB drawing surface for the generator: paints masks with a class colour, a texture and noise,
 * so that classes differ in colour and in local pattern (something a deeper network can exploit).
 */
final class Canvas {
    final int height;
    final int width;
    private final byte[] rgb;

    Canvas(int height, int width) {
        this.height = height;
        this.width = width;
        this.rgb = new byte[3 * height * width];
    }

    /** Kinds of surface texture; each multiplies the base colour by a per-pixel brightness factor. */
    enum Texture {
        FLAT,
        STRIPES,
        CHECKER,
        SPECKLE,
        GRID
    }

    /** Paints every pixel where {@code mask[y * width + x] != 0}. */
    void paint(byte[] mask, int[] colour, Texture texture, int period, SplittableRandom rng) {
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (mask[y * width + x] != 0) set(y, x, colour, texture, period, rng);
            }
        }
    }

    /** Paints the axis-aligned rectangle [x0, x1) x [y0, y1), clipped to the canvas. */
    void paintRect(int x0, int y0, int x1, int y1, int[] colour, Texture texture, int period, SplittableRandom rng) {
        for (int y = Math.max(0, y0); y < Math.min(height, y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(width, x1); x++) set(y, x, colour, texture, period, rng);
        }
    }

    /** Sets one pixel to an exact colour (no texture). */
    void put(int y, int x, int[] colour) {
        int i = y * width + x, plane = height * width;
        rgb[i] = (byte) clamp(colour[0]);
        rgb[plane + i] = (byte) clamp(colour[1]);
        rgb[2 * plane + i] = (byte) clamp(colour[2]);
    }

    /** Adds uniform-triangular noise of the given amplitude to every channel of every pixel. */
    void addNoise(int amplitude, SplittableRandom rng) {
        if (amplitude <= 0) return;
        for (int i = 0; i < rgb.length; i++) {
            int up = rng.nextInt(amplitude + 1);
            int down = rng.nextInt(amplitude + 1); // a second draw: their difference is triangular
            int n = up - down;
            rgb[i] = (byte) clamp((rgb[i] & 0xFF) + n);
        }
    }

    ChwImage toImage() {
        return new ChwImage(3, height, width, rgb.clone());
    }

    private void set(int y, int x, int[] colour, Texture texture, int period, SplittableRandom rng) {
        float f =
                switch (texture) {
                    case FLAT -> 1f;
                    case STRIPES -> ((x + y) / Math.max(1, period)) % 2 == 0 ? 1.12f : 0.88f;
                    case CHECKER -> ((x / Math.max(1, period)) + (y / Math.max(1, period))) % 2 == 0 ? 1.1f : 0.9f;
                    case SPECKLE -> 0.8f + 0.4f * rng.nextFloat();
                    case GRID -> (x % Math.max(2, period) == 0 || y % Math.max(2, period) == 0) ? 0.6f : 1f;
                };
        int i = y * width + x, plane = height * width;
        rgb[i] = (byte) clamp((int) (colour[0] * f));
        rgb[plane + i] = (byte) clamp((int) (colour[1] * f));
        rgb[2 * plane + i] = (byte) clamp((int) (colour[2] * f));
    }

    static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    /** A base colour with a random per-image shift of up to +-jitter per channel. */
    static int[] jitter(int[] base, int jitter, SplittableRandom rng) {
        return new int[] {
            clamp(base[0] + rng.nextInt(-jitter, jitter + 1)),
            clamp(base[1] + rng.nextInt(-jitter, jitter + 1)),
            clamp(base[2] + rng.nextInt(-jitter, jitter + 1))
        };
    }
}
