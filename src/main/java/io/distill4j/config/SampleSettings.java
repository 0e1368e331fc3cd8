package io.distill4j.config;

/** What {@code generate-sample} writes: both datasets under {@code output}, from one seed. */
public record SampleSettings(String output, long seed, Split cityscapes, Split coco) {
    /** Image counts and resolution of one generated dataset. */
    public record Split(int train, int val, int width, int height) {
        static Split from(Keys k) {
            return new Split(
                    k.intIn("train", 1, 100_000),
                    k.intIn("val", 1, 100_000),
                    k.intIn("width", 16, 4096),
                    k.intIn("height", 16, 4096));
        }
    }

    static SampleSettings from(Keys k) {
        return new SampleSettings(
                k.nonEmpty("output"),
                k.longIn("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                Split.from(k.child("cityscapes")),
                Split.from(k.child("coco")));
    }
}
