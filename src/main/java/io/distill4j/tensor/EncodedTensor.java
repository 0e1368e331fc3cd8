package io.distill4j.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * One encoded tensor, field for field the teacher-cache row's {@code codec}, {@code shape},
 * {@code data}, {@code scale} and {@code topk_idx} columns (docs/cache-format.md).
 *
 * <p>The arrays are not copied: an encoder hands over fresh arrays and nothing else holds them.
 * Equality compares array contents, so two encodings of the same tensor are equal.
 *
 * @param codec   the codec spec that produced it and decodes it, e.g. {@code fp16} or {@code topk:4}
 * @param shape   {@code {C, H, W}} of the decoded tensor
 * @param data    the codec's payload bytes
 * @param scale   per-channel scales ({@code int8} only), otherwise null
 * @param topkIdx class indices ({@code topk:k} only), otherwise null
 */
public record EncodedTensor(String codec, int[] shape, byte[] data, float[] scale, byte[] topkIdx) {
    public EncodedTensor {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(data, "data");
        ChwShape.elementCount(shape);
    }

    /** Bytes this tensor occupies in the cache row: data plus 4 per scale plus the index bytes. */
    public long payloadBytes() {
        return (long) data.length + (scale == null ? 0L : 4L * scale.length) + (topkIdx == null ? 0L : topkIdx.length);
    }

    /** C*H*W of the decoded tensor. */
    public int elementCount() {
        return ChwShape.elementCount(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedTensor t
                && codec.equals(t.codec)
                && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data)
                && Arrays.equals(scale, t.scale)
                && Arrays.equals(topkIdx, t.topkIdx);
    }

    @Override
    public int hashCode() {
        int h = codec.hashCode();
        h = 31 * h + Arrays.hashCode(shape);
        h = 31 * h + Arrays.hashCode(data);
        h = 31 * h + Arrays.hashCode(scale);
        return 31 * h + Arrays.hashCode(topkIdx);
    }

    @Override
    public String toString() {
        return "EncodedTensor[codec=" + codec + ", shape=" + Arrays.toString(shape) + ", data=" + data.length
                + " bytes, scale=" + (scale == null ? "null" : scale.length + " floats")
                + ", topkIdx=" + (topkIdx == null ? "null" : topkIdx.length + " bytes") + "]";
    }
}
