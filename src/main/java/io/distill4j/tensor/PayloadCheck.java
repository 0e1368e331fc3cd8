package io.distill4j.tensor;

import java.util.Arrays;

/** Length checks for decoding: a corrupt or truncated row fails with expected versus found. */
final class PayloadCheck {
    private PayloadCheck() {}

    static void bytes(String codec, String column, byte[] found, long expected, int[] shape) {
        if (found == null) {
            throw new IllegalArgumentException(codec + " tensor of shape " + Arrays.toString(shape) + ": column "
                    + column + " expected " + expected + " bytes, found null");
        }
        if (found.length != expected) {
            throw new IllegalArgumentException(codec + " tensor of shape " + Arrays.toString(shape) + ": column "
                    + column + " expected " + expected + " bytes, found " + found.length);
        }
    }

    static void absent(String codec, String column, Object found, int[] shape) {
        if (found != null) {
            throw new IllegalArgumentException(codec + " tensor of shape " + Arrays.toString(shape) + ": column "
                    + column + " expected null, found a value (was the row written by another codec?)");
        }
    }
}
