package io.distill4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKCodecTest {
    /** Peaked per-pixel logits like a segmentation head's: one class far ahead, the rest spread. */
    private static float[] logits(int channels, int plane, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[channels * plane];
        for (int p = 0; p < plane; p++) {
            int winner = rnd.nextInt(channels);
            for (int c = 0; c < channels; c++) {
                x[c * plane + p] = (float) (rnd.nextGaussian() * 2 + (c == winner ? 8 : 0));
            }
        }
        return x;
    }

    /** Channels of pixel p ranked by value descending, lower index first among equals. */
    private static int[] ranking(float[] x, int channels, int plane, int p) {
        return IntStream.range(0, channels)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(c -> -x[c * plane + p])
                        .thenComparingInt(c -> c))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static float half(float v) {
        return Half.toFloat(Half.fromFloat(v));
    }

    private static int indexAt(EncodedTensor e, int channels, int element) {
        byte[] idx = e.topkIdx();
        return TopKCodec.indexBytes(channels) == 1
                ? idx[element] & 0xff
                : (idx[2 * element] & 0xff) | ((idx[2 * element + 1] & 0xff) << 8);
    }

    @Test
    void keptEntriesAreTheKLargestInOrderWithFp16ValuesAndRightIndices() {
        int channels = 19;
        int plane = 6 * 7;
        int k = 4;
        float[] x = logits(channels, plane, 1);
        TopKCodec codec = (TopKCodec) TensorCodecs.forSpec("topk:4");
        EncodedTensor e = codec.encode(x, new int[] {channels, 6, 7});
        assertEquals("topk:4", e.codec());
        assertEquals(2 * (k + 1) * plane, e.data().length);
        assertEquals(k * plane, e.topkIdx().length);
        float[] back = codec.decode(e);
        for (int p = 0; p < plane; p++) {
            int[] rank = ranking(x, channels, plane, p);
            for (int j = 0; j < k; j++) {
                assertEquals(rank[j], indexAt(e, channels, j * plane + p), "rank " + j + " pixel " + p);
                assertEquals(
                        half(x[rank[j] * plane + p]), back[rank[j] * plane + p], "value of rank " + j + " pixel " + p);
            }
            float rest = back[rank[k] * plane + p];
            for (int j = k; j < channels; j++)
                assertEquals(rest, back[rank[j] * plane + p], "dropped channels all get the rest value");
            assertTrue(rest <= back[rank[k - 1] * plane + p], "the rest value never outranks a kept class");
        }
    }

    @Test
    void restValueIsTheLogMeanExpOfTheDroppedLogitsSoTailMassIsExactAtTemperatureOne() {
        int channels = 19;
        int plane = 50;
        int k = 3;
        float[] x = logits(channels, plane, 2);
        TensorCodec codec = new TopKCodec(k);
        float[] back = codec.decode(codec.encode(x, new int[] {channels, 5, 10}));
        for (int p = 0; p < plane; p++) {
            int[] rank = ranking(x, channels, plane, p);
            double dropped = 0;
            for (int j = k; j < channels; j++) dropped += Math.exp(x[rank[j] * plane + p]);
            double r = Math.log(dropped / (channels - k));
            assertEquals(half((float) r), back[rank[k] * plane + p], "rest value of pixel " + p);

            double all = 0;
            double allBack = 0;
            double maxAbs = 0;
            for (int c = 0; c < channels; c++) {
                all += Math.exp(x[c * plane + p]);
                allBack += Math.exp(back[c * plane + p]);
                maxAbs = Math.max(maxAbs, Math.abs(x[c * plane + p]));
            }
            double tailTrue = dropped / all;
            double tailBack = (channels - k) * Math.exp(back[rank[k] * plane + p]) / allBack;
            // Every decoded logit is within |x| * 2^-11 of its source (r within |r| * 2^-11), so each
            // probability moves by at most a factor exp(2 * max|x| * 2^-11).
            double tol = Math.expm1(2 * maxAbs * 0x1p-11);
            assertEquals(1.0, tailBack / tailTrue, tol, "tail mass of pixel " + p);
        }
    }

    @Test
    void tailMassIsOverstatedAboveTemperatureOneAsDocumented() {
        int channels = 19;
        int plane = 20;
        int k = 2;
        float[] x = logits(channels, plane, 3);
        TensorCodec codec = new TopKCodec(k);
        float[] back = codec.decode(codec.encode(x, new int[] {channels, 4, 5}));
        double tau = 4;
        for (int p = 0; p < plane; p++) {
            int[] rank = ranking(x, channels, plane, p);
            double trueTail = 0;
            for (int j = k; j < channels; j++) trueTail += Math.exp(x[rank[j] * plane + p] / tau);
            double rebuilt = (channels - k) * Math.exp(back[rank[k] * plane + p] / tau);
            assertTrue(rebuilt >= trueTail * (1 - 1e-3), "pixel " + p + ": " + rebuilt + " < " + trueTail);
        }
    }

    @Test
    void tiesKeepTheLowerChannelIndexFirst() {
        // C=6, one pixel: values 1, 3, 3, 0, 3, 1 -> top-2 are channels 1 and 2; the third 3 (channel 4) is dropped.
        float[] x = {1, 3, 3, 0, 3, 1};
        TensorCodec codec = new TopKCodec(2);
        EncodedTensor e = codec.encode(x, new int[] {6, 1, 1});
        assertArrayEquals(new byte[] {1, 2}, e.topkIdx());
        float[] allEqual = {5, 5, 5, 5};
        assertArrayEquals(
                new byte[] {0, 1, 2},
                new TopKCodec(3).encode(allEqual, new int[] {4, 1, 1}).topkIdx());
        assertArrayEquals(allEqual, new TopKCodec(3).decode(new TopKCodec(3).encode(allEqual, new int[] {4, 1, 1})));
    }

    @Test
    void byteLayoutIsValuePlanesThenRestPlaneThenIndexPlanes() {
        // C=3, H=1, W=2, k=1. Pixel 0: logits (0, 2, 0); pixel 1: (1, 0, -1).
        float[] x = {0, 1, 2, 0, 0, -1};
        EncodedTensor e = new TopKCodec(1).encode(x, new int[] {3, 1, 2});
        float rest0 = 0f; // log(mean(e^0, e^0))
        float rest1 = (float) Math.log((Math.exp(0) + Math.exp(-1)) / 2);
        short[] expectHalves = {Half.fromFloat(2f), Half.fromFloat(1f), Half.fromFloat(rest0), Half.fromFloat(rest1)};
        byte[] expectData = new byte[8];
        for (int i = 0; i < 4; i++) {
            expectData[2 * i] = (byte) expectHalves[i];
            expectData[2 * i + 1] = (byte) (expectHalves[i] >>> 8);
        }
        assertArrayEquals(expectData, e.data());
        assertArrayEquals(new byte[] {1, 0}, e.topkIdx());
    }

    @Test
    void moreThan256ChannelsUseLittleEndianUint16Indices() {
        int channels = 300;
        float[] x = new float[channels * 2];
        x[299 * 2] = 10f; // pixel 0: channel 299 wins
        x[257 * 2 + 1] = 9f; // pixel 1: channel 257 wins
        x[3 * 2 + 1] = 8f; // then channel 3
        EncodedTensor e = new TopKCodec(2).encode(x, new int[] {channels, 1, 2});
        assertEquals(2 * 2 * 2, e.topkIdx().length);
        // Rank 0 plane: 299 = 0x012b, 257 = 0x0101; rank 1 plane: pixel 0 ties at 0 -> channel 0, pixel 1 -> 3.
        assertArrayEquals(new byte[] {0x2b, 0x01, 0x01, 0x01, 0x00, 0x00, 0x03, 0x00}, e.topkIdx());
        float[] back = new TopKCodec(2).decode(e);
        assertEquals(10f, back[299 * 2]);
        assertEquals(9f, back[257 * 2 + 1]);
        assertEquals(8f, back[3 * 2 + 1]);
    }

    @Test
    void kOfAtLeastTheChannelCountIsRejectedAndOneLessKeepsEverythingToFp16() {
        IllegalArgumentException err = assertThrows(
                IllegalArgumentException.class, () -> new TopKCodec(3).encode(new float[6], new int[] {3, 1, 2}));
        assertTrue(err.getMessage().contains("k must be less than C"), err.getMessage());
        float[] x = {0.5f, -3f, 7f, 2f};
        float[] back = new TopKCodec(3).decode(new TopKCodec(3).encode(x, new int[] {4, 1, 1}));
        for (int c = 0; c < 4; c++) assertEquals(half(x[c]), back[c], "channel " + c);
    }

    @Test
    void nonFiniteOrFp16OverflowingLogitsAreRefusedNamingThePixel() {
        float[] x = new float[2 * 4 * 3];
        x[12 + 5] = Float.POSITIVE_INFINITY; // channel 1, pixel 5 = (h=1, w=2)
        IllegalArgumentException err =
                assertThrows(IllegalArgumentException.class, () -> new TopKCodec(1).encode(x, new int[] {2, 4, 3}));
        assertTrue(err.getMessage().contains("channel 1 at pixel (h=1, w=2)"), err.getMessage());
        x[12 + 5] = 70000f;
        err = assertThrows(IllegalArgumentException.class, () -> new TopKCodec(1).encode(x, new int[] {2, 4, 3}));
        assertTrue(err.getMessage().contains("overflows fp16"), err.getMessage());
    }

    @Test
    void corruptRowsFailWithExpectedVersusFound() {
        int[] shape = {5, 2, 2};
        float[] x = logits(5, 4, 4);
        TopKCodec codec = new TopKCodec(2);
        EncodedTensor e = codec.encode(x, shape);
        EncodedTensor shortIdx = new EncodedTensor("topk:2", shape, e.data(), null, Arrays.copyOf(e.topkIdx(), 7));
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> codec.decode(shortIdx));
        assertTrue(err.getMessage().contains("column topk_idx expected 8 bytes, found 7"), err.getMessage());
        EncodedTensor shortData = new EncodedTensor("topk:2", shape, Arrays.copyOf(e.data(), 20), null, e.topkIdx());
        err = assertThrows(IllegalArgumentException.class, () -> codec.decode(shortData));
        assertTrue(err.getMessage().contains("column data expected 24 bytes, found 20"), err.getMessage());
        byte[] badIdx = e.topkIdx().clone();
        badIdx[3] = 9;
        err = assertThrows(
                IllegalArgumentException.class,
                () -> codec.decode(new EncodedTensor("topk:2", shape, e.data(), null, badIdx)));
        assertTrue(err.getMessage().contains("expected a channel index below 5, found 9"), err.getMessage());
        err = assertThrows(IllegalArgumentException.class, () -> new TopKCodec(3).decode(e));
        assertTrue(
                err.getMessage().contains("codec topk:3 cannot decode a tensor written by codec topk:2"),
                err.getMessage());
    }
}
