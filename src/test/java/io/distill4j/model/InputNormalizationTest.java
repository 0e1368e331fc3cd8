package io.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InputNormalizationTest {

    @Test
    void bytesAreScaledThenStandardisedPerChannel() {
        byte[] chw = {0, (byte) 255, (byte) 128, 0, (byte) 255, 10};
        float[] out = InputNormalization.normalizeChw(chw, 1, 2);
        assertEquals((0f - 0.485f) / 0.229f, out[0], 1e-6);
        assertEquals((1f - 0.485f) / 0.229f, out[1], 1e-6);
        assertEquals((128f / 255f - 0.456f) / 0.224f, out[2], 1e-6);
        assertEquals((10f / 255f - 0.406f) / 0.225f, out[5], 1e-6);
    }

    @Test
    void floatBytesAndNdarrayFormsAgree() {
        byte[] chw = new byte[3 * 2 * 3];
        float[] asFloat = new float[chw.length];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (byte) (i * 14);
            asFloat[i] = chw[i] & 0xFF;
        }
        float[] fromBytes = InputNormalization.normalizeChw(chw, 2, 3);
        assertArrayEquals(fromBytes, InputNormalization.normalizeChw(asFloat, 2, 3), 1e-6f);
        INDArray batch = Nd4j.createFromArray(asFloat).reshape(1, 3, 2, 3).castTo(DataType.INT);
        assertArrayEquals(fromBytes, InputNormalization.normalize(batch).data().asFloat(), 1e-5f);
    }

    @Test
    void wrongLengthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> InputNormalization.normalizeChw(new byte[5], 1, 2));
    }
}
