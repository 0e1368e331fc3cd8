package io.distill4j.tensor;

import java.util.Arrays;

/** Checks and sizes of the {@code {C, H, W}} shapes every codec works on. */
final class ChwShape {
    private ChwShape() {}

    /**
     * C*H*W of a valid shape; otherwise an error that names the shape.
     *
     * @throws IllegalArgumentException when the shape is not three positive ints or overflows an int
     */
    static int elementCount(int[] shape) {
        if (shape == null || shape.length != 3) {
            throw new IllegalArgumentException("shape must be {C, H, W} (3 ints), got " + Arrays.toString(shape));
        }
        long n = 1;
        for (int d : shape) {
            if (d <= 0)
                throw new IllegalArgumentException("shape dimensions must be positive, got " + Arrays.toString(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " has " + n + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    /** Checks that {@code chw} holds exactly the elements of {@code shape}; returns their count. */
    static int checkInput(float[] chw, int[] shape) {
        int n = elementCount(shape);
        if (chw == null || chw.length != n) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " needs " + n
                    + " floats, got " + (chw == null ? "null" : chw.length));
        }
        return n;
    }

    /** Checks that a decode target has room for the elements of {@code shape}; returns their count. */
    static int checkOutput(float[] out, int[] shape) {
        int n = elementCount(shape);
        if (out == null || out.length < n) {
            throw new IllegalArgumentException("decode target for shape " + Arrays.toString(shape) + " needs at least "
                    + n + " floats, got " + (out == null ? "null" : out.length));
        }
        return n;
    }
}
