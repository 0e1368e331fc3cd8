package io.distill4j.data;

import java.util.Objects;

/**
 * An 8-bit image held as planes in CHW order: 3 channels (R, G, B) for photographs, 1 for label maps.
 * The array is owned by the instance; {@link ImageOps} creates these and never shares their arrays.
 */
public record ChwImage(int channels, int height, int width, byte[] data) {

    public ChwImage {
        Objects.requireNonNull(data, "data");
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "channels, height and width must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException(
                    "data has " + data.length + " bytes, expected " + channels + "*" + height + "*" + width);
        }
    }

    /** Value at channel c, row y, column x, as 0..255. */
    public int get(int c, int y, int x) {
        return data[(c * height + y) * width + x] & 0xFF;
    }
}
