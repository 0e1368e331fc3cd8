package io.distill4j.config;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * Random geometric augmentation of training examples ({@code distill4j.train.augment}): each example
 * is seen through a view that rescales the shard image by a factor drawn from
 * {@code [scaleMin, scaleMax]}, crops {@code cropHeight x cropWidth} pixels of the rescaled image and
 * mirrors it left to right with probability {@code hflip}. The defaults (scale [1, 1], crop = the
 * shard size, hflip 0) are the identity view: no augmentation.
 *
 * @param cropHeight the student's input height; 0 = the shard height
 * @param cropWidth  the student's input width; 0 = the shard width
 */
public record AugmentSettings(double scaleMin, double scaleMax, int cropHeight, int cropWidth, double hflip)
        implements Serializable {

    public AugmentSettings {
        if (!(scaleMin > 0 && scaleMin <= scaleMax)) {
            throw new IllegalArgumentException(
                    "scale range must satisfy 0 < min <= max, got [" + scaleMin + ", " + scaleMax + "]");
        }
        if (cropHeight < 0 || cropWidth < 0 || (cropHeight == 0) != (cropWidth == 0)) {
            throw new IllegalArgumentException(
                    "crop must be [0, 0] or two positive sizes, got [" + cropHeight + ", " + cropWidth + "]");
        }
        if (!(hflip >= 0 && hflip <= 1)) throw new IllegalArgumentException("hflip must be in 0..1, got " + hflip);
    }

    /** No augmentation: every example is the whole shard image. */
    public static final AugmentSettings OFF = new AugmentSettings(1, 1, 0, 0, 0);

    /** True when every drawn view would be the identity at a shard of any size. */
    public boolean isOff() {
        return scaleMin == 1 && scaleMax == 1 && cropHeight == 0 && hflip == 0;
    }

    /** The student's input height for shards of {@code shardHeight}. */
    public int inputHeight(int shardHeight) {
        return cropHeight == 0 ? shardHeight : cropHeight;
    }

    /** The student's input width for shards of {@code shardWidth}. */
    public int inputWidth(int shardWidth) {
        return cropWidth == 0 ? shardWidth : cropWidth;
    }

    /** The settings as one line, e.g. {@code scale=[0.5,2.0];crop=[32,64];hflip=0.5} (manifests, messages). */
    public String describe() {
        return String.format(
                Locale.ROOT, "scale=[%s,%s];crop=[%d,%d];hflip=%s", scaleMin, scaleMax, cropHeight, cropWidth, hflip);
    }

    static AugmentSettings from(Keys k) {
        List<Double> scale = k.numbers("scale");
        if (scale.size() != 2) throw k.invalid("scale", "expected [min, max], got " + scale.size() + " numbers");
        if (!(scale.get(0) > 0 && scale.get(0) <= scale.get(1) && scale.get(1) <= 16)) {
            throw k.invalid("scale", "must satisfy 0 < min <= max <= 16, got " + scale);
        }
        List<Double> crop = k.numbers("crop");
        if (crop.size() != 2) throw k.invalid("crop", "expected [height, width], got " + crop.size() + " numbers");
        int ch = crop.get(0).intValue(), cw = crop.get(1).intValue();
        if (ch != crop.get(0)
                || cw != crop.get(1)
                || ch < 0
                || cw < 0
                || ch > 8192
                || cw > 8192
                || (ch == 0) != (cw == 0)) {
            throw k.invalid("crop", "must be [0, 0] (the shard size) or two whole sizes in 1..8192, got " + crop);
        }
        return new AugmentSettings(scale.get(0), scale.get(1), ch, cw, k.doubleIn("hflip", 0, 1));
    }
}
