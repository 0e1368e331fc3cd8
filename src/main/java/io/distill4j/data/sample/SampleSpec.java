package io.distill4j.data.sample;

/**
 * What {@link SampleDatasetGenerator} writes: a seed and, per dataset, how many train and val images
 * of which size. The defaults are small enough to shard, train and evaluate on a 2-core laptop in
 * minutes, yet structured enough that a bigger model learns more than a smaller one.
 */
public record SampleSpec(long seed, DatasetSize cityscapes, DatasetSize coco) {
    public static final long DEFAULT_SEED = 20240917L;
    /** Cityscapes' 2:1 aspect at 1/8 of 2048x1024. */
    public static final DatasetSize DEFAULT_CITYSCAPES = new DatasetSize(48, 16, 256, 128);

    public static final DatasetSize DEFAULT_COCO = new DatasetSize(48, 16, 192, 192);

    public SampleSpec {
        if (cityscapes == null || coco == null) throw new IllegalArgumentException("both dataset sizes are required");
    }

    /** The defaults with the default seed. */
    public static SampleSpec defaults() {
        return new SampleSpec(DEFAULT_SEED, DEFAULT_CITYSCAPES, DEFAULT_COCO);
    }

    public SampleSpec withSeed(long newSeed) {
        return new SampleSpec(newSeed, cityscapes, coco);
    }

    /** Image counts and size of one dataset. */
    public record DatasetSize(int trainCount, int valCount, int width, int height) {
        /** Below this the scenes' shapes (poles, small objects) no longer fit. */
        public static final int MIN_SIDE = 64;

        public DatasetSize {
            if (trainCount < 1 || valCount < 1) {
                throw new IllegalArgumentException(
                        "trainCount and valCount must be at least 1, got " + trainCount + " and " + valCount);
            }
            if (width < MIN_SIDE || height < MIN_SIDE || width > 4096 || height > 4096) {
                throw new IllegalArgumentException(
                        "width and height must be in " + MIN_SIDE + "..4096, got " + width + "x" + height);
            }
        }
    }
}
