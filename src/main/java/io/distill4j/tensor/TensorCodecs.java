package io.distill4j.tensor;

/** Builds a codec from its spec, as written in config and in the cache's {@code codec} column. */
public final class TensorCodecs {
    /** The specs {@link #forSpec} accepts, for error messages and help text. */
    public static final String ACCEPTED = "fp32 | fp16 | int8 | topk:K (K >= 1, e.g. topk:4)";

    private static final Fp32Codec FP32 = new Fp32Codec();
    private static final Fp16Codec FP16 = new Fp16Codec();
    private static final Int8Codec INT8 = new Int8Codec();

    private TensorCodecs() {}

    /**
     * The codec for a spec: {@code fp32}, {@code fp16}, {@code int8} or {@code topk:K}. Every codec's
     * {@link TensorCodec#name()} is its spec, so {@code forSpec(row.codec)} decodes any cache row.
     *
     * @throws IllegalArgumentException naming the spec and the accepted forms
     */
    public static TensorCodec forSpec(String spec) {
        if (spec == null) throw new IllegalArgumentException("codec spec is missing; expected " + ACCEPTED);
        switch (spec) {
            case Fp32Codec.NAME:
                return FP32;
            case Fp16Codec.NAME:
                return FP16;
            case Int8Codec.NAME:
                return INT8;
            default:
                break;
        }
        if (spec.startsWith(TopKCodec.PREFIX)) {
            String digits = spec.substring(TopKCodec.PREFIX.length());
            int k;
            try {
                if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) throw new NumberFormatException();
                k = Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("codec spec '" + spec
                        + "': K in topk:K must be a positive integer, got '" + digits + "'; expected " + ACCEPTED);
            }
            if (k < 1 || k >= TopKCodec.MAX_CHANNELS) {
                throw new IllegalArgumentException(
                        "codec spec '" + spec + "': K must be in 1.." + (TopKCodec.MAX_CHANNELS - 1) + ", got " + k);
            }
            return new TopKCodec(k);
        }
        throw new IllegalArgumentException("unknown codec spec '" + spec + "'; expected " + ACCEPTED);
    }
}
