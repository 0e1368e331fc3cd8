package io.distill4j.augment;

import io.distill4j.config.AugmentSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Exact views (FKD-style): cache-teacher runs the teacher on K views per sample drawn with the
 * augment settings from a cache seed; distill trains each epoch on one of them per sample, picked
 * from (train seed, epoch, sample id), with the student's input built from exactly that view.
 */
public final class CachedViews {
    private CachedViews() {}

    /** The K views of a sample, in the order cache-teacher writes them. */
    public static List<View> draw(AugmentSettings a, int height, int width, long viewSeed, int k, String sampleId) {
        List<View> views = new ArrayList<>(k);
        // The view index takes the place of the epoch: view j is the j-th draw of this cache seed.
        for (int j = 0; j < k; j++) views.add(ViewSampler.draw(a, height, width, viewSeed, j, sampleId));
        return views;
    }

    /** What a cache of views holds, as its manifest records it and distill compares it. */
    public static String describe(int k, long viewSeed, AugmentSettings a) {
        return String.format(Locale.ROOT, "views=%d;view-seed=%d;%s", k, viewSeed, a.describe());
    }

    /** The index (0..k-1) of the cached view a sample trains on in an epoch. */
    public static int pick(long trainSeed, long epoch, String sampleId, int k) {
        // A stream of its own (the seed offset), so the pick is not correlated with the view sampler's draws.
        return new java.util.SplittableRandom(ViewSampler.streamSeed(trainSeed ^ PICK_STREAM, epoch, sampleId))
                .nextInt(k);
    }

    private static final long PICK_STREAM = 0x5deece66dL;
}
