package io.distill4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ResampleTest {
    static float[] randomMap(int c, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] m = new float[c * h * w];
        for (int i = 0; i < m.length; i++) m[i] = (float) r.nextGaussian() * 3;
        return m;
    }

    static byte[] randomImage(int h, int w) {
        byte[] b = new byte[3 * h * w];
        new Random(5).nextBytes(b);
        return b;
    }

    @Test
    void theIdentityViewCopiesImageLabelsAndMaps() {
        View id = View.identity(32, 64);
        byte[] image = randomImage(32, 64);
        assertArrayEquals(image, Resample.image(image, 32, 64, id));
        byte[] labels = randomImage(32, 64);
        byte[] l = java.util.Arrays.copyOf(labels, 32 * 64);
        assertArrayEquals(l, Resample.labels(l, 32, 64, id));
        float[] map = randomMap(19, 8, 16, 1);
        assertArrayEquals(map, Resample.map(map, 19, 8, 16, 32, 64, id));
    }

    @Test
    void aFlippedMapIsTheMirroredMapExactly() {
        float[] map = randomMap(5, 8, 16, 2);
        float[] flipped = Resample.map(map, 5, 8, 16, 32, 64, new View(0, 0, 32, 64, 32, 64, true));
        for (int c = 0; c < 5; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 16; x++) {
                    assertEquals(
                            map[(c * 8 + y) * 16 + 15 - x],
                            flipped[(c * 8 + y) * 16 + x],
                            0f,
                            "cell " + c + "," + y + "," + x);
                }
            }
        }
        byte[] image = randomImage(32, 64);
        byte[] fi = Resample.image(image, 32, 64, new View(0, 0, 32, 64, 32, 64, true));
        for (int i = 0; i < 3 * 32; i++) {
            for (int x = 0; x < 64; x++) assertEquals(image[i * 64 + 63 - x], fi[i * 64 + x]);
        }
    }

    @Test
    void aCropOfTheTransformedMapEqualsTheCropOfTheFullMap() {
        // Scale 1, a 16x32 crop at (8, 16) of a 32x64 image: at stride 4 that is cells (2..5, 4..11).
        float[] map = randomMap(3, 8, 16, 3);
        View crop = new View(8, 16, 16, 32, 16, 32, false);
        float[] out = Resample.map(map, 3, 8, 16, 32, 64, crop);
        assertEquals(3 * 4 * 8, out.length);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 8; x++)
                    assertEquals(map[(c * 8 + y + 2) * 16 + x + 4], out[(c * 4 + y) * 8 + x], 0f);
            }
        }
        // The same crop flipped is that crop mirrored.
        float[] flipped = Resample.map(map, 3, 8, 16, 32, 64, new View(8, 16, 16, 32, 16, 32, true));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 8; x++)
                    assertEquals(out[(c * 4 + y) * 8 + 7 - x], flipped[(c * 4 + y) * 8 + x], 0f);
            }
        }
    }

    @Test
    void rescalingALinearRampIsExactInsideAndPaddedOutside() {
        // f(y, x) = 2y + 3x at pixel centres; bilinear reproduces a linear function exactly.
        int h = 16, w = 16;
        float[] ramp = new float[h * w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) ramp[y * w + x] = 2 * (y + 0.5f) + 3 * (x + 0.5f);
        View zoom = new View(4, 4, 8, 8, 16, 16, false); // scale 2 around the centre
        float[] out = Resample.map(ramp, 1, h, w, h, w, zoom);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                double sy = 4 + (y + 0.5) / 2, sx = 4 + (x + 0.5) / 2;
                assertEquals(2 * sy + 3 * sx, out[y * 16 + x], 1e-4, "at " + y + "," + x);
            }
        }
        View shrink = new View(-8, -8, 32, 32, 16, 16, false); // scale 0.5, the image in the middle
        float[] small = Resample.map(ramp, 1, h, w, h, w, shrink);
        assertEquals(0f, small[0]);
        assertEquals(0f, small[15 * 16 + 15]);
        byte[] labels = new byte[h * w];
        byte[] l = Resample.labels(labels, h, w, shrink);
        assertEquals(255, l[0] & 0xFF, "ignore outside the image");
        assertEquals(0, l[8 * 16 + 8] & 0xFF, "the image's label inside");
        byte[] img = Resample.image(new byte[3 * h * w], h, w, shrink);
        assertEquals(Resample.PAD_RGB[0], img[0] & 0xFF, "mean colour outside");
        assertEquals(0, img[8 * 16 + 8] & 0xFF);
    }

    @Test
    void aMapWhoseStrideDoesNotFitTheViewIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Resample.map(new float[8 * 16], 1, 8, 16, 32, 64, new View(0, 0, 30, 60, 30, 60, false)));
        assertEquals(
                "a map of 8 cells over 32 pixels (height) has no whole number of cells over the view's 30 pixels",
                e.getMessage());
    }
}
