package io.distill4j.tensor;

/**
 * {@code fp16}: each float rounded to IEEE half precision ({@link Half}), 2 bytes each, little-endian,
 * CHW order. Relative error at most 2^-11 for values in the normal half range; magnitudes from 65520 up
 * become infinity, which is why the cache stores logits and features this way but never raw sums.
 */
public final class Fp16Codec implements TensorCodec {
    public static final String NAME = "fp16";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EncodedTensor encode(float[] chw, int[] shape) {
        int n = ChwShape.checkInput(chw, shape);
        byte[] data = new byte[2 * n];
        for (int i = 0, b = 0; i < n; i++, b += 2) {
            short h = Half.fromFloat(chw[i]);
            data[b] = (byte) h;
            data[b + 1] = (byte) (h >>> 8);
        }
        return new EncodedTensor(NAME, shape.clone(), data, null, null);
    }

    @Override
    public void decodeInto(EncodedTensor encoded, float[] out) {
        checkCodec(encoded);
        int n = ChwShape.checkOutput(out, encoded.shape());
        byte[] data = encoded.data();
        PayloadCheck.bytes(NAME, "data", data, 2L * n, encoded.shape());
        PayloadCheck.absent(NAME, "scale", encoded.scale(), encoded.shape());
        PayloadCheck.absent(NAME, "topk_idx", encoded.topkIdx(), encoded.shape());
        for (int i = 0, b = 0; i < n; i++, b += 2) {
            out[i] = Half.toFloat((short) ((data[b] & 0xff) | (data[b + 1] << 8)));
        }
    }
}
