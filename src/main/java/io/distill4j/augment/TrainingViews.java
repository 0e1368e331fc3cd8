package io.distill4j.augment;

import io.distill4j.config.AugmentSettings;
import io.distill4j.data.ShardRecord;
import io.distill4j.model.TapInfo;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The views one distill run trains on, shipped to the executors: each (epoch, sample) gets the view
 * {@link ViewSampler} draws from the run's seed, and the student's sample and (with
 * {@code distill.teacher-views = transform}) the cached full-image teacher maps are seen through it.
 */
public final class TrainingViews implements Serializable {
    private final AugmentSettings settings;
    private final long seed;
    private final int sourceHeight;
    private final int sourceWidth;
    /** Full-image teacher maps resampled with the view, by name; empty when none are. */
    private final Map<String, TapInfo> transformedMaps;

    /**
     * @param transformedMaps the teacher outputs (full-image shapes) to resample with each view;
     *                        empty when the teacher saw the view itself or there is none
     */
    public TrainingViews(
            AugmentSettings settings,
            long seed,
            int sourceHeight,
            int sourceWidth,
            Map<String, TapInfo> transformedMaps) {
        this.settings = settings;
        this.seed = seed;
        this.sourceHeight = sourceHeight;
        this.sourceWidth = sourceWidth;
        this.transformedMaps = Map.copyOf(transformedMaps);
    }

    public boolean isOff() {
        return settings.isOff();
    }

    /** The view of {@code sampleId} in {@code epoch}. */
    public View view(long epoch, String sampleId) {
        return settings.isOff()
                ? View.identity(sourceHeight, sourceWidth)
                : ViewSampler.draw(settings, sourceHeight, sourceWidth, seed, epoch, sampleId);
    }

    /** The sample as the student sees it in {@code epoch}. */
    public ShardRecord sample(ShardRecord r, long epoch) {
        return ViewedSample.of(r, view(epoch, r.sampleId()));
    }

    /** Full-image teacher maps of {@code sampleId} resampled with its view in {@code epoch}; others pass unchanged. */
    public Map<String, float[]> teacher(Map<String, float[]> full, long epoch, String sampleId) {
        View v = view(epoch, sampleId);
        if (transformedMaps.isEmpty() || v.isIdentity(sourceHeight, sourceWidth)) return full;
        Map<String, float[]> out = new LinkedHashMap<>();
        full.forEach((name, values) -> {
            TapInfo t = transformedMaps.get(name);
            out.put(
                    name,
                    t == null
                            ? values
                            : Resample.map(values, t.channels(), t.height(), t.width(), sourceHeight, sourceWidth, v));
        });
        return out;
    }

    /**
     * Why a distill run cannot train with these settings, or null when it can: one line naming the key.
     *
     * @param cachedViews    views per sample in the run's teacher cache (0: the identity view, or no cache)
     * @param teacherOutputs the teacher outputs the run reads
     */
    public static String refusal(
            AugmentSettings a,
            boolean distilling,
            boolean online,
            boolean transform,
            int cachedViews,
            Set<String> teacherOutputs) {
        if (transform && online) {
            return "distill.teacher-views = transform resamples cached teacher maps, but distill.teacher-mode = online runs "
                    + "the teacher on every view itself; use teacher-views = exact with the online teacher";
        }
        if (transform && cachedViews > 0) {
            return "distill.teacher-views = transform resamples the teacher's maps of the whole image, but the cache holds "
                    + cachedViews
                    + " drawn views per sample (cache.views-per-sample); use teacher-views = exact with it, "
                    + "or a cache of views-per-sample = 0";
        }
        if (a.isOff()) return null;
        if (distilling && !online && !transform && cachedViews == 0) {
            return "train.augment is on (" + a.describe()
                    + ") but the teacher cache holds the teacher's outputs on the whole "
                    + "image only, which do not match the augmented views; set distill.teacher-views = transform (resample "
                    + "the cached maps with each view) or distill.teacher-mode = online";
        }
        if (distilling && transform && teacherOutputs.contains("reg")) {
            return "distill.teacher-views = transform cannot resample the teacher's 'reg' output (box sizes and offsets "
                    + "change with the scale and flip, not by resampling); distil heatmap or features, or use the online teacher";
        }
        return null;
    }
}
