package io.distill4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** fp32, fp16 and int8: exactness, error bounds, byte layout and corrupt-row errors. */
class CodecRoundTripTest {
    private static float[] random(int n, long seed, double spread) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((rnd.nextDouble() * 2 - 1) * spread);
        return x;
    }

    @Test
    void fp32RoundTripIsBitExactIncludingSpecialValues() {
        int[] shape = {2, 3, 4};
        float[] x = random(24, 1, 100);
        x[0] = Float.NaN;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = -0f;
        x[3] = Float.MIN_VALUE;
        TensorCodec codec = TensorCodecs.forSpec("fp32");
        EncodedTensor e = codec.encode(x, shape);
        assertEquals(96, e.payloadBytes());
        float[] back = codec.decode(e);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(back[i]), "element " + i);
        }
    }

    @Test
    void fp32AndFp16DataIsLittleEndianInChwOrder() {
        int[] shape = {2, 1, 2};
        float[] x = {1.5f, -2f, 3f, 65504f};
        ByteBuffer fp32 =
                ByteBuffer.wrap(new Fp32Codec().encode(x, shape).data()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4; i++) assertEquals(x[i], fp32.getFloat(4 * i));
        byte[] fp16 = new Fp16Codec().encode(x, shape).data();
        assertArrayEquals(new byte[] {0x00, 0x3e, 0x00, (byte) 0xc0, 0x00, 0x42, (byte) 0xff, 0x7b}, fp16);
    }

    @Test
    void fp16RoundTripStaysWithinHalfPrecisionAndKeepsRepresentableValuesExact() {
        int[] shape = {3, 5, 7};
        float[] x = random(105, 2, 30);
        x[0] = 0.25f;
        x[1] = -1024f;
        x[2] = 1e6f;
        x[3] = 1e-9f;
        TensorCodec codec = TensorCodecs.forSpec("fp16");
        EncodedTensor e = codec.encode(x, shape);
        assertEquals(2 * 105, e.data().length);
        assertNull(e.scale());
        assertNull(e.topkIdx());
        float[] back = codec.decode(e);
        assertEquals(0.25f, back[0]);
        assertEquals(-1024f, back[1]);
        assertEquals(Float.POSITIVE_INFINITY, back[2]);
        assertEquals(0f, back[3]);
        for (int i = 4; i < x.length; i++) {
            if (Math.abs(x[i]) >= Half.MIN_NORMAL) {
                assertTrue(Math.abs(back[i] - x[i]) <= Math.scalb(Math.abs(x[i]), -11), "element " + i);
            }
        }
    }

    @Test
    void decodeIntoWritesOnlyTheTensorsElementsOfALargerBuffer() {
        int[] shape = {2, 2, 2};
        float[] x = random(8, 3, 5);
        float[] out = new float[10];
        out[8] = 42f;
        out[9] = 43f;
        new Fp16Codec().decodeInto(new Fp16Codec().encode(x, shape), out);
        assertEquals(42f, out[8]);
        assertEquals(43f, out[9]);
        assertEquals(Half.toFloat(Half.fromFloat(x[7])), out[7]);
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> new Fp16Codec()
                .decodeInto(new Fp16Codec().encode(x, shape), new float[7]));
        assertTrue(small.getMessage().contains("needs at least 8 floats, got 7"), small.getMessage());
    }

    @Test
    void int8ErrorPerChannelIsAtMostHalfItsScale() {
        int[] shape = {4, 6, 9};
        int plane = 54;
        float[] x = random(4 * plane, 4, 1);
        for (int i = 0; i < plane; i++) {
            x[plane + i] *= 1000f; // a wide channel
            x[2 * plane + i] = 0f; // an all-zero channel
            x[3 * plane + i] *= 1e-3f;
        }
        x[3 * plane + 5] = -0.01f; // the extreme of channel 3 is negative
        TensorCodec codec = TensorCodecs.forSpec("int8");
        EncodedTensor e = codec.encode(x, shape);
        assertEquals(4 * plane, e.data().length);
        assertEquals(4, e.scale().length);
        assertEquals(0f, e.scale()[2]);
        assertEquals(0.01f / 127f, e.scale()[3]);
        assertEquals(-127, e.data()[3 * plane + 5]);
        float[] back = codec.decode(e);
        for (int c = 0; c < 4; c++) {
            float s = e.scale()[c];
            for (int i = 0; i < plane; i++) {
                int at = c * plane + i;
                assertTrue(Math.abs(back[at] - x[at]) <= s / 2 * (1 + 1e-5), "channel " + c + " element " + i);
                assertEquals(e.data()[at] * s, back[at], "decode is q * scale");
            }
        }
        for (int i = 0; i < plane; i++) assertEquals(0f, back[2 * plane + i]);
    }

    @Test
    void int8RoundsHalfAwayFromZero() {
        int[] shape = {1, 1, 3};
        // scale = 127/127 = 1, so values are their own quotients.
        EncodedTensor e = new Int8Codec().encode(new float[] {127f, 2.5f, -2.5f}, shape);
        assertEquals(1f, e.scale()[0]);
        assertArrayEquals(new byte[] {127, 3, -3}, e.data());
    }

    @Test
    void int8RefusesNonFiniteValuesNamingChannelAndPosition() {
        float[] x = new float[12];
        x[7] = Float.NaN;
        IllegalArgumentException err =
                assertThrows(IllegalArgumentException.class, () -> new Int8Codec().encode(x, new int[] {2, 2, 3}));
        assertTrue(err.getMessage().contains("channel 1 position 1 (h=0, w=1) is NaN"), err.getMessage());
    }

    @Test
    void encodeRejectsAShapeThatDoesNotMatchTheData() {
        IllegalArgumentException err = assertThrows(
                IllegalArgumentException.class, () -> new Fp16Codec().encode(new float[10], new int[] {2, 2, 3}));
        assertTrue(err.getMessage().contains("[2, 2, 3] needs 12 floats, got 10"), err.getMessage());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class, () -> new Fp32Codec().encode(new float[4], new int[] {4, 1}));
        assertTrue(bad.getMessage().contains("{C, H, W}"), bad.getMessage());
    }

    @Test
    void truncatedOrMislabelledRowsFailWithExpectedVersusFound() {
        int[] shape = {2, 3, 3};
        float[] x = random(18, 5, 3);
        EncodedTensor fp16 = new Fp16Codec().encode(x, shape);
        EncodedTensor shortRow = new EncodedTensor("fp16", shape, Arrays.copyOf(fp16.data(), 35), null, null);
        IllegalArgumentException err =
                assertThrows(IllegalArgumentException.class, () -> new Fp16Codec().decode(shortRow));
        assertTrue(err.getMessage().contains("column data expected 36 bytes, found 35"), err.getMessage());

        EncodedTensor fp32 = new Fp32Codec().encode(x, shape);
        EncodedTensor longRow = new EncodedTensor("fp32", shape, Arrays.copyOf(fp32.data(), 80), null, null);
        err = assertThrows(IllegalArgumentException.class, () -> new Fp32Codec().decode(longRow));
        assertTrue(err.getMessage().contains("expected 72 bytes, found 80"), err.getMessage());

        err = assertThrows(IllegalArgumentException.class, () -> new Fp32Codec().decode(fp16));
        assertTrue(
                err.getMessage().contains("codec fp32 cannot decode a tensor written by codec fp16"), err.getMessage());

        EncodedTensor int8 = new Int8Codec().encode(x, shape);
        EncodedTensor noScale = new EncodedTensor("int8", shape, int8.data(), new float[1], null);
        err = assertThrows(IllegalArgumentException.class, () -> new Int8Codec().decode(noScale));
        assertTrue(
                err.getMessage().contains("column scale expected 2 floats (one per channel), found 1"),
                err.getMessage());
        EncodedTensor shortInt8 = new EncodedTensor("int8", shape, new byte[17], int8.scale(), null);
        err = assertThrows(IllegalArgumentException.class, () -> new Int8Codec().decode(shortInt8));
        assertTrue(err.getMessage().contains("column data expected 18 bytes, found 17"), err.getMessage());
    }
}
