package io.distill4j.config;

/**
 * The shard stage: where the Parquet shards go and how they are written.
 *
 * @param onBadSample "fail" stops at the first bad sample; "skip" leaves it out and lists it in the manifest
 */
public record ShardSettings(
        String output,
        int height,
        int width,
        int numShards,
        String compression,
        String onBadSample,
        boolean overwrite) {
    public boolean skipBadSamples() {
        return onBadSample.equals("skip");
    }

    static ShardSettings from(Keys k) {
        return new ShardSettings(
                k.nonEmpty("output"),
                k.intIn("height", 8, 8192),
                k.intIn("width", 8, 8192),
                k.intIn("num-shards", 1, 100_000),
                k.oneOf("compression", "zstd", "snappy", "uncompressed"),
                k.oneOf("on-bad-sample", "fail", "skip"),
                k.bool("overwrite"));
    }
}
