package io.distill4j.augment;

import io.distill4j.config.AugmentSettings;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Draws the view of one sample in one epoch from {@link AugmentSettings}: a pure function of
 * (seed, epoch, sample id), so every executor, every rerun and a resumed run draw the same view.
 */
public final class ViewSampler {
    private ViewSampler() {}

    /**
     * Rescale factor s uniform in [scaleMin, scaleMax]; a crop of the rescaled image (size
     * s * shard) at a uniformly drawn whole-pixel offset, or, where the rescaled image is smaller
     * than the crop, placed at a random whole-pixel offset inside the crop (the rest is padding);
     * a left-right flip with probability hflip.
     */
    public static View draw(
            AugmentSettings a, int sourceHeight, int sourceWidth, long seed, long epoch, String sampleId) {
        int outH = a.inputHeight(sourceHeight), outW = a.inputWidth(sourceWidth);
        SplittableRandom rng = new SplittableRandom(streamSeed(seed, epoch, sampleId));
        double s = a.scaleMin() + (a.scaleMax() - a.scaleMin()) * rng.nextDouble();
        int dy = offset(rng, sourceHeight * s, outH);
        int dx = offset(rng, sourceWidth * s, outW);
        boolean flip = rng.nextDouble() < a.hflip();
        return new View(dy / s, dx / s, outH / s, outW / s, outH, outW, flip);
    }

    /** The random stream of one (seed, epoch, sample). */
    static long streamSeed(long seed, long epoch, String sampleId) {
        return mix(mix(mix(seed) ^ epoch) ^ hash(sampleId));
    }

    /** Offset of the crop in rescaled pixels: inside the image when it fits, else the image inside the crop. */
    private static int offset(SplittableRandom rng, double scaled, int crop) {
        // A tolerance so that s = 1 and crop = shard size give offset 0 exactly despite rounding.
        double room = scaled - crop;
        if (Math.abs(room) < 1e-6) return 0;
        if (room > 0) return rng.nextInt((int) Math.floor(room + 1e-6) + 1);
        return -rng.nextInt((int) Math.floor(-room + 1e-6) + 1);
    }

    /** FNV-1a over the id's UTF-8 bytes: 64 bits, the same on every JVM. */
    private static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: spreads nearby seeds and epochs over the whole 64-bit range. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
