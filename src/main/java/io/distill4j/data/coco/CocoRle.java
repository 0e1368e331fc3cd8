package io.distill4j.data.coco;

import java.io.Serializable;
import java.util.Arrays;

/**
 * COCO's run-length encoding of a binary mask. Runs are counted in column-major (Fortran) order, as
 * pycocotools stores masks, and alternate 0s and 1s starting with 0s (so the first count may be 0).
 *
 * <p>Two serialised forms exist in annotation files: {@code counts} as a list of ints, and the
 * compressed string form: each count (from the fourth on, as the difference to the count two
 * before it) is written as a signed little-endian sequence of 5-bit groups, one character per group,
 * with 0x20 marking "more groups follow", 0x10 the sign bit of the last group, and 48 added to make
 * the character printable.
 *
 * <p>Masks handed in and out of this class are row-major {@code height * width} arrays of 0/1, the
 * order the rest of distill4j uses; the column-major walk happens only here.
 */
public final class CocoRle implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int height;
    private final int width;
    private final int[] counts;

    private CocoRle(int height, int width, int[] counts) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("RLE size must be positive, got [" + height + ", " + width + "]");
        }
        long sum = 0;
        for (int c : counts) {
            if (c < 0) throw new IllegalArgumentException("RLE count must not be negative, got " + c);
            sum += c;
        }
        if (sum != (long) height * width) {
            throw new IllegalArgumentException("RLE counts sum to " + sum + " but size [" + height + ", " + width
                    + "] has " + (long) height * width + " pixels");
        }
        this.height = height;
        this.width = width;
        this.counts = counts;
    }

    /** An RLE from its uncompressed counts (the {@code counts: [..]} form). */
    public static CocoRle ofCounts(int height, int width, int[] counts) {
        return new CocoRle(height, width, counts.clone());
    }

    /** Decodes the compressed string form. */
    public static CocoRle fromString(String s, int height, int width) {
        int[] out = new int[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int shift = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("RLE string ends inside a count at character " + p);
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException(
                            "RLE string has invalid character '" + s.charAt(p) + "' at " + p);
                }
                x |= (long) (c & 0x1f) << shift;
                more = (c & 0x20) != 0;
                p++;
                shift += 5;
                if (!more && (c & 0x10) != 0) x |= -1L << shift; // sign-extend the last group
            }
            if (m > 2) x += out[m - 2];
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("RLE string decodes to invalid count " + x + " at run " + m);
            }
            out[m++] = (int) x;
        }
        return new CocoRle(height, width, Arrays.copyOf(out, m));
    }

    /** Encodes a row-major mask (any non-zero byte is foreground). */
    public static CocoRle fromMask(byte[] mask, int height, int width) {
        if (mask.length != height * width) {
            throw new IllegalArgumentException("mask has " + mask.length + " pixels, expected " + height + "*" + width);
        }
        int[] runs = new int[height * width + 1];
        int m = 0;
        int run = 0;
        boolean current = false;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                boolean on = mask[y * width + x] != 0;
                if (on != current) {
                    runs[m++] = run;
                    run = 0;
                    current = on;
                }
                run++;
            }
        }
        runs[m++] = run;
        return new CocoRle(height, width, Arrays.copyOf(runs, m));
    }

    /** The compressed string form, as pycocotools writes it. */
    public String toCompressedString() {
        StringBuilder sb = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) x -= counts[i - 2];
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }

    /** The mask as a row-major array of 0/1. */
    public byte[] toMask() {
        byte[] mask = new byte[height * width];
        int pos = 0;
        for (int i = 0; i < counts.length; i++) {
            if ((i & 1) == 1) {
                for (int k = pos; k < pos + counts[i]; k++) {
                    int x = k / height;
                    int y = k % height;
                    mask[y * width + x] = 1;
                }
            }
            pos += counts[i];
        }
        return mask;
    }

    /** Number of foreground pixels (pycocotools' {@code area}). */
    public long area() {
        long a = 0;
        for (int i = 1; i < counts.length; i += 2) a += counts[i];
        return a;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The uncompressed counts. */
    public int[] counts() {
        return counts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CocoRle r && height == r.height && width == r.width && Arrays.equals(counts, r.counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "CocoRle[" + height + "x" + width + ", runs=" + counts.length + ", area=" + area() + "]";
    }
}
