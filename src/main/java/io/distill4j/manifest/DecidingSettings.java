package io.distill4j.manifest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.distill4j.config.DatasetSettings;
import io.distill4j.config.SampleSettings;
import io.distill4j.config.ShardSettings;
import java.util.List;
import java.util.Map;

/**
 * Which configuration keys decide each stage's output: two runs with the same values (and the
 * same inputs) make the same output, so an existing output may be reused; any other key (paths,
 * parallelism of inference, prefetch, overwrite, UI) does not change what is computed. A subtree
 * stands for all its keys.
 */
public final class DecidingSettings {
    /** The training keys both trainers share; train.epochs is the teacher's teacher.epochs. */
    private static final List<String> TRAINING = List.of(
            "distill4j.train.batch-size-per-worker",
            "distill4j.train.averaging-frequency",
            "distill4j.train.workers",
            "distill4j.train.learning-rate",
            "distill4j.train.seed",
            "distill4j.train.repartition");

    public static final List<String> SAMPLE =
            List.of("distill4j.sample.seed", "distill4j.sample.cityscapes", "distill4j.sample.coco");

    public static final List<String> SHARD = List.of(
            "distill4j.dataset.kind",
            "distill4j.dataset.root",
            "distill4j.dataset.splits",
            "distill4j.shard.height",
            "distill4j.shard.width",
            "distill4j.shard.num-shards",
            "distill4j.shard.compression",
            "distill4j.shard.on-bad-sample");

    public static final List<String> TEACHER =
            concat(List.of("distill4j.model.teacher", "distill4j.teacher.epochs"), TRAINING);

    public static final List<String> CACHE = List.of("distill4j.cache.outputs", "distill4j.cache.splits");
    /**
     * A cache of drawn views (cache.views-per-sample &gt; 0) also depends on how they were drawn; a
     * cache of the whole image keeps the list above, so caches made before augmentation existed
     * are still reused.
     */
    public static final List<String> CACHE_OF_VIEWS = concat(
            CACHE, List.of("distill4j.cache.views-per-sample", "distill4j.cache.view-seed", "distill4j.train.augment"));

    public static final List<String> DISTILL = concat(
            List.of(
                    "distill4j.model.student",
                    "distill4j.train.epochs",
                    "distill4j.distill.terms",
                    "distill4j.distill.teacher-mode",
                    "distill4j.distill.on-missing-teacher"),
            TRAINING);
    /** An augmented run (or one on cached views) also depends on its views; an unaugmented one keeps the list above. */
    public static final List<String> DISTILL_WITH_VIEWS = concat(
            DISTILL,
            List.of("distill4j.train.augment", "distill4j.distill.teacher-views", "distill4j.cache.views-per-sample"));

    private DecidingSettings() {}

    /**
     * The shard settings, from the records the shard job is given (the same values and rendering
     * as {@code StageSettings.of(resolved, SHARD)}: they are put into a configuration first).
     */
    public static StageSettings shard(DatasetSettings d, ShardSettings s) {
        Config c = ConfigFactory.empty()
                .withValue(
                        "distill4j.dataset.kind",
                        ConfigValueFactory.fromAnyRef(d.kind().id()))
                .withValue("distill4j.dataset.root", ConfigValueFactory.fromAnyRef(d.root()))
                .withValue("distill4j.dataset.splits", ConfigValueFactory.fromIterable(d.splits()))
                .withValue("distill4j.shard.height", ConfigValueFactory.fromAnyRef(s.height()))
                .withValue("distill4j.shard.width", ConfigValueFactory.fromAnyRef(s.width()))
                .withValue("distill4j.shard.num-shards", ConfigValueFactory.fromAnyRef(s.numShards()))
                .withValue("distill4j.shard.compression", ConfigValueFactory.fromAnyRef(s.compression()))
                .withValue("distill4j.shard.on-bad-sample", ConfigValueFactory.fromAnyRef(s.onBadSample()));
        return StageSettings.of(c, SHARD);
    }

    /** The generate-sample settings, from its record (as {@link #shard} does). */
    public static StageSettings sample(SampleSettings s) {
        Config c = ConfigFactory.empty().withValue("distill4j.sample.seed", ConfigValueFactory.fromAnyRef(s.seed()));
        for (Map.Entry<String, SampleSettings.Split> e :
                Map.of("cityscapes", s.cityscapes(), "coco", s.coco()).entrySet()) {
            String k = "distill4j.sample." + e.getKey() + ".";
            SampleSettings.Split d = e.getValue();
            c = c.withValue(k + "train", ConfigValueFactory.fromAnyRef(d.train()))
                    .withValue(k + "val", ConfigValueFactory.fromAnyRef(d.val()))
                    .withValue(k + "width", ConfigValueFactory.fromAnyRef(d.width()))
                    .withValue(k + "height", ConfigValueFactory.fromAnyRef(d.height()));
        }
        return StageSettings.of(c, SAMPLE);
    }

    public static StageSettings teacher(Config resolved) {
        return StageSettings.of(resolved, TEACHER);
    }

    public static StageSettings cache(Config resolved) {
        // The augment settings decide the cache only when it holds drawn views.
        boolean views = resolved.hasPath("distill4j.cache.views-per-sample")
                && resolved.getInt("distill4j.cache.views-per-sample") > 0;
        return StageSettings.of(resolved, views ? CACHE_OF_VIEWS : CACHE);
    }

    public static StageSettings distill(Config resolved) {
        return StageSettings.of(resolved, usesViews(resolved) ? DISTILL_WITH_VIEWS : DISTILL);
    }

    /** Whether a run trains on views other than the whole image: train.augment, teacher-views or cached views set. */
    private static boolean usesViews(Config c) {
        if (!c.hasPath("distill4j.train.augment")) return false;
        Config a = c.getConfig("distill4j.train.augment");
        return !a.getDoubleList("scale").equals(List.of(1.0, 1.0))
                || !a.getDoubleList("crop").equals(List.of(0.0, 0.0))
                || a.getDouble("hflip") != 0
                || !c.getString("distill4j.distill.teacher-views").equalsIgnoreCase("exact")
                || c.getInt("distill4j.cache.views-per-sample") > 0;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
