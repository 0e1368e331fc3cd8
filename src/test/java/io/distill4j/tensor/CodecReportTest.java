package io.distill4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CodecReportTest {
    @Test
    void klOfATensorWithItselfIsZeroAndOfTwoKnownDistributionsMatchesTheFormula() {
        int[] shape = {2, 1, 2};
        // Pixel 0: logits (0, 0) vs (log 3, 0) -> p = (1/2, 1/2), q = (3/4, 1/4).
        // Pixel 1: identical.
        float[] p = {0f, 5f, 0f, -1f};
        float[] q = {(float) Math.log(3), 5f, 0f, -1f};
        assertEquals(0.0, ChannelSoftmaxKl.meanPixelKl(p, p, shape, 1.0), 1e-15);
        double pixel0 = 0.5 * Math.log(0.5 / (3.0 / 4)) + 0.5 * Math.log(0.5 / (1.0 / 4));
        double expected = pixel0 / 2; // averaged over the two pixels
        assertEquals(expected, ChannelSoftmaxKl.meanPixelKl(p, q, shape, 1.0), 1e-7);
    }

    @Test
    void temperatureDividesTheLogitsBeforeTheSoftmax() {
        int[] shape = {3, 1, 1};
        float[] p = {4f, 0f, -2f};
        float[] q = {2f, 1f, 0f};
        float[] pScaled = {1f, 0f, -0.5f};
        float[] qScaled = {0.5f, 0.25f, 0f};
        assertEquals(
                ChannelSoftmaxKl.meanPixelKl(pScaled, qScaled, shape, 1.0),
                ChannelSoftmaxKl.meanPixelKl(p, q, shape, 4.0),
                1e-12);
        assertThrows(IllegalArgumentException.class, () -> ChannelSoftmaxKl.meanPixelKl(p, q, shape, 0.0));
    }

    @Test
    void reportCountsEveryPayloadColumnAndMeasuresTheRoundTripError() {
        int[] shape = {4, 2, 3};
        float[] x = new float[24];
        for (int i = 0; i < 24; i++) x[i] = (i % 7) - 3.3f;
        CodecReport fp32 = CodecReport.measure(new Fp32Codec(), x, shape, 1.0, 4.0);
        assertEquals(96, fp32.encodedBytes());
        assertEquals(1.0, fp32.compressionRatio());
        assertEquals(0.0, fp32.maxAbsError());
        assertEquals(0.0, fp32.klAt(4.0));

        CodecReport int8 = CodecReport.measure(new Int8Codec(), x, shape, 1.0);
        assertEquals(24 + 4 * 4, int8.encodedBytes(), "data bytes plus four scales");
        assertEquals(96.0 / 40, int8.compressionRatio(), 1e-12);
        assertTrue(
                int8.maxAbsError() > 0 && int8.maxAbsError() <= 3.3 / 127 / 2 * 1.0001 + 1e-6,
                "error " + int8.maxAbsError());
        assertTrue(int8.meanAbsError() <= int8.maxAbsError());

        CodecReport topk = CodecReport.measure(new TopKCodec(1), x, shape, 1.0);
        assertEquals(2 * 2 * 6 + 6, topk.encodedBytes(), "two fp16 planes plus one uint8 index plane");
        assertTrue(topk.klAt(1.0) > 0);
        assertThrows(IllegalArgumentException.class, () -> topk.klAt(2.0));
    }
}
