package io.distill4j.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@code fp32}: the tensor's floats as-is, 4 bytes each, little-endian, CHW order. Lossless. */
public final class Fp32Codec implements TensorCodec {
    public static final String NAME = "fp32";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EncodedTensor encode(float[] chw, int[] shape) {
        int n = ChwShape.checkInput(chw, shape);
        byte[] data = new byte[4 * n];
        // Bulk view copy: a plain memory copy on little-endian hardware.
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(chw, 0, n);
        return new EncodedTensor(NAME, shape.clone(), data, null, null);
    }

    @Override
    public void decodeInto(EncodedTensor encoded, float[] out) {
        checkCodec(encoded);
        int n = ChwShape.checkOutput(out, encoded.shape());
        PayloadCheck.bytes(NAME, "data", encoded.data(), 4L * n, encoded.shape());
        PayloadCheck.absent(NAME, "scale", encoded.scale(), encoded.shape());
        PayloadCheck.absent(NAME, "topk_idx", encoded.topkIdx(), encoded.shape());
        ByteBuffer.wrap(encoded.data())
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(out, 0, n);
    }
}
