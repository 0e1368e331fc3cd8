package io.distill4j.tensor;

/**
 * {@code int8}: symmetric linear quantisation with one scale per channel.
 *
 * <p>For channel c, {@code scale[c] = max|x_c| / 127} (a float) and each value is stored as the signed
 * byte {@code q = round(x / scale[c])} in -127..127, rounding half away from zero; decoding is
 * {@code q * scale[c]}, so the error is at most {@code scale[c] / 2} (plus float rounding). A channel
 * that is all zero has scale 0 and decodes to zeros. Bytes are in CHW order; scales go to the
 * {@code scale} column. Values must be finite: an infinity or NaN would make the channel's scale
 * meaningless, so encoding refuses it and names the channel and position.
 */
public final class Int8Codec implements TensorCodec {
    public static final String NAME = "int8";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EncodedTensor encode(float[] chw, int[] shape) {
        ChwShape.checkInput(chw, shape);
        int channels = shape[0];
        int plane = shape[1] * shape[2];
        byte[] data = new byte[channels * plane];
        float[] scale = new float[channels];
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            float max = 0f;
            for (int i = 0; i < plane; i++) {
                float v = chw[base + i];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("int8 codec needs finite values; channel " + c + " position " + i
                            + " (h=" + i / shape[2] + ", w=" + i % shape[2] + ") is " + v);
                }
                max = Math.max(max, Math.abs(v));
            }
            if (max == 0f) continue; // scale 0, bytes 0
            float s = max / 127f;
            scale[c] = s;
            for (int i = 0; i < plane; i++) {
                float q = chw[base + i] / s;
                // Half away from zero; the clamp absorbs a quotient that float rounding pushed past 127.
                int r = (int) (Math.abs(q) + 0.5f);
                if (r > 127) r = 127;
                data[base + i] = (byte) (q < 0f ? -r : r);
            }
        }
        return new EncodedTensor(NAME, shape.clone(), data, scale, null);
    }

    @Override
    public void decodeInto(EncodedTensor encoded, float[] out) {
        checkCodec(encoded);
        int[] shape = encoded.shape();
        int n = ChwShape.checkOutput(out, shape);
        byte[] data = encoded.data();
        PayloadCheck.bytes(NAME, "data", data, n, shape);
        PayloadCheck.absent(NAME, "topk_idx", encoded.topkIdx(), shape);
        float[] scale = encoded.scale();
        if (scale == null || scale.length != shape[0]) {
            throw new IllegalArgumentException(NAME + " tensor of shape " + java.util.Arrays.toString(shape)
                    + ": column scale expected " + shape[0] + " floats (one per channel), found "
                    + (scale == null ? "null" : scale.length));
        }
        int plane = shape[1] * shape[2];
        for (int c = 0; c < shape[0]; c++) {
            float s = scale[c];
            int base = c * plane;
            for (int i = base; i < base + plane; i++) out[i] = data[i] * s;
        }
    }
}
