package io.distill4j.data.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CocoRleTest {
    /** 3 rows x 4 columns, row-major. */
    private static final byte[] MASK = {
        0, 1, 1, 0,
        0, 1, 0, 0,
        0, 0, 0, 1
    };
    /** Column-major walk: 000 110 100 001 -> runs of 3 zeros, 2 ones, 1 zero, 1 one, 4 zeros, 1 one. */
    private static final int[] COUNTS = {3, 2, 1, 1, 4, 1};

    @Test
    void encodesInColumnMajorOrder() {
        CocoRle rle = CocoRle.fromMask(MASK, 3, 4);
        assertArrayEquals(COUNTS, rle.counts());
        assertEquals(4, rle.area());
    }

    @Test
    void uncompressedCountsDecodeToTheHandComputedMask() {
        assertArrayEquals(MASK, CocoRle.ofCounts(3, 4, COUNTS).toMask());
    }

    @Test
    void compressedStringDecodesToTheHandComputedMask() {
        // 3,2,1 as is; then deltas to the count two before: 1-2 = -1 -> 'O' (31+48), 4-1 = 3, 1-1 = 0.
        CocoRle rle = CocoRle.fromString("321O30", 3, 4);
        assertArrayEquals(COUNTS, rle.counts());
        assertArrayEquals(MASK, rle.toMask());
        assertEquals("321O30", CocoRle.ofCounts(3, 4, COUNTS).toCompressedString());
    }

    @Test
    void multiCharacterAndNegativeCountsFollowTheSixBitScheme() {
        // 40 = 0b01000_01000: low group 8 with the continuation bit (8|32)+48 = 'X', then 1 -> '1';
        // the fourth count 2 is coded as 2 - 5 = -3 -> (-3 & 31) + 48 = 'M'.
        CocoRle rle = CocoRle.ofCounts(5, 10, new int[] {3, 5, 40, 2});
        assertEquals("35X1M", rle.toCompressedString());
        assertArrayEquals(
                new int[] {3, 5, 40, 2}, CocoRle.fromString("35X1M", 5, 10).counts());
    }

    @Test
    void maskStartingWithForegroundHasLeadingZeroCount() {
        CocoRle rle = CocoRle.fromMask(new byte[] {1, 0, 1, 0}, 2, 2);
        assertArrayEquals(new int[] {0, 2, 2}, rle.counts());
        assertEquals("022", rle.toCompressedString());
    }

    @Test
    void randomMasksRoundTripThroughBothForms() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            int h = 1 + random.nextInt(40), w = 1 + random.nextInt(40);
            byte[] mask = new byte[h * w];
            int density = random.nextInt(1, 10);
            for (int i = 0; i < mask.length; i++) mask[i] = (byte) (random.nextInt(10) < density ? 1 : 0);
            CocoRle rle = CocoRle.fromMask(mask, h, w);
            assertArrayEquals(mask, rle.toMask());
            CocoRle back = CocoRle.fromString(rle.toCompressedString(), h, w);
            assertEquals(rle, back);
            assertArrayEquals(mask, CocoRle.ofCounts(h, w, rle.counts()).toMask());
        }
        // Long runs need several characters per count.
        byte[] big = new byte[300 * 200];
        for (int i = 20_000; i < 50_000; i++) big[i] = 1;
        CocoRle rle = CocoRle.fromMask(big, 300, 200);
        assertEquals(30_000, rle.area());
        assertEquals(rle, CocoRle.fromString(rle.toCompressedString(), 300, 200));
    }

    @Test
    void countsThatDoNotCoverTheImageAreRejected() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CocoRle.ofCounts(3, 4, new int[] {3, 2}));
        assertEquals("RLE counts sum to 5 but size [3, 4] has 12 pixels", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CocoRle.fromString("3 2", 3, 4));
    }
}
