package io.distill4j.tensor;

/**
 * Encodes a float tensor in CHW order for the teacher-output cache, and decodes it back.
 *
 * <p>Implementations are stateless and thread-safe: one instance serves every task on an executor.
 * Decode errors say what the layout expected and what the row held; callers add the sample id and
 * output name, which the codec does not know.
 */
public interface TensorCodec {
    /** The spec that names this codec in config and in the cache's {@code codec} column, e.g. {@code topk:4}. */
    String name();

    /**
     * Encodes one sample's tensor.
     *
     * @param chw   values in CHW order, exactly C*H*W of them
     * @param shape {@code {C, H, W}}
     * @throws IllegalArgumentException when the shape or values do not suit the codec (the message says which)
     */
    EncodedTensor encode(float[] chw, int[] shape);

    /**
     * Decodes into the first C*H*W entries of a caller's buffer, so a training loop can reuse one array.
     *
     * @throws IllegalArgumentException when the tensor was written by another codec, or its bytes do not
     *                                  match its shape (corrupt or truncated row), or {@code out} is too small
     */
    void decodeInto(EncodedTensor encoded, float[] out);

    /** Decodes into a new CHW array. */
    default float[] decode(EncodedTensor encoded) {
        float[] out = new float[encoded.elementCount()];
        decodeInto(encoded, out);
        return out;
    }

    /** Checks that {@code encoded} was written by this codec. */
    default void checkCodec(EncodedTensor encoded) {
        if (!name().equals(encoded.codec())) {
            throw new IllegalArgumentException(
                    "codec " + name() + " cannot decode a tensor written by codec " + encoded.codec());
        }
    }
}
