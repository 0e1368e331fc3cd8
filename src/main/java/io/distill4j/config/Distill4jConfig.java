package io.distill4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The whole configuration of a run, parsed once from HOCON into immutable records and validated.
 * Stages receive the record they need; nothing below reads keys by string.
 */
public record Distill4jConfig(
        String workDir,
        SparkSettings spark,
        Map<String, String> hadoop,
        SampleSettings sample,
        DatasetSettings dataset,
        ShardSettings shard,
        ModelSettings model,
        TrainSettings train,
        AugmentSettings augment,
        TeacherSettings teacher,
        CacheSettings cache,
        DistillSettings distill,
        EvaluateSettings evaluate,
        PipelineSettings pipeline,
        InferenceSettings inference,
        String redactedJson) {
    /** Setting names whose values must never reach a log, a manifest or a saved configuration. */
    private static final Pattern SECRET =
            Pattern.compile("(?i).*(secret|password|access\\.key|session\\.token|credential).*");

    public static Distill4jConfig from(Config resolved) {
        Keys root = new Keys(resolved, ConfigLoader.ROOT);
        Distill4jConfig c = new Distill4jConfig(
                root.nonEmpty("work-dir"),
                SparkSettings.from(root.child("spark")),
                root.child("hadoop").stringMap("conf"),
                SampleSettings.from(root.child("sample")),
                DatasetSettings.from(root.child("dataset")),
                ShardSettings.from(root.child("shard")),
                ModelSettings.from(root.child("model")),
                train(root.child("train")),
                AugmentSettings.from(root.child("train").child("augment")),
                TeacherSettings.from(root.child("teacher"), resolved),
                CacheSettings.from(root.child("cache"), resolved),
                DistillSettings.from(root.child("distill"), resolved),
                EvaluateSettings.from(root.child("evaluate")),
                PipelineSettings.from(resolved),
                InferenceSettings.from(root.child("inference")),
                redact(resolved));
        ShardSizeRule.check(root.child("shard"), c.shard(), c.model());
        return c;
    }

    private static TrainSettings train(Keys k) {
        return new TrainSettings(
                k.intIn("epochs", 1, 100_000),
                k.intIn("batch-size-per-worker", 1, 4096),
                k.intIn("averaging-frequency", 1, 100_000),
                k.intIn("workers", 0, 100_000),
                k.doubleIn("learning-rate", 1e-9, 10),
                k.longIn("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                k.intIn("prefetch", 0, 64),
                switch (k.oneOf("repartition", "always", "never", "when-workers-differ")) {
                    case "never" -> org.deeplearning4j.spark.api.Repartition.Never;
                    case "when-workers-differ" -> org.deeplearning4j.spark.api.Repartition.NumPartitionsWorkersDiffers;
                    default -> org.deeplearning4j.spark.api.Repartition.Always;
                },
                k.intIn("validate-every", 0, 100_000),
                k.intIn("keep-checkpoints", 0, 100_000));
    }

    /** A copy for another distill run (the pipeline trains several students from one configuration). */
    public Distill4jConfig withDistill(DistillSettings d) {
        return new Distill4jConfig(
                workDir,
                spark,
                hadoop,
                sample,
                dataset,
                shard,
                model,
                train,
                augment,
                teacher,
                cache,
                d,
                evaluate,
                pipeline,
                inference,
                redactedJson);
    }

    /** A copy with other training settings (the pipeline's per-seed runs). */
    public Distill4jConfig withTrain(TrainSettings t) {
        return new Distill4jConfig(
                workDir,
                spark,
                hadoop,
                sample,
                dataset,
                shard,
                model,
                t,
                augment,
                teacher,
                cache,
                distill,
                evaluate,
                pipeline,
                inference,
                redactedJson);
    }

    /**
     * The resolved configuration these records were parsed from (credentials redacted): what a
     * manifest records the deciding settings from.
     */
    public Config resolvedConfig() {
        return com.typesafe.config.ConfigFactory.parseString(redactedJson);
    }

    /**
     * The configuration of one student run of the pipeline: this one with {@code distill.run-id},
     * {@code distill.terms} (the student's, options and all) and {@code train.seed} replaced, and
     * parsed again, so its {@link #redactedJson} is the run's own and passing it back to
     * {@code distill} trains the same run. Credentials are carried over from this configuration.
     *
     * @param student index into {@code pipeline.students}
     */
    public Distill4jConfig forStudentRun(int student, String runId, long seed) {
        Config base = resolvedConfig();
        ConfigValue terms = base.getConfigList("distill4j.pipeline.students")
                .get(student)
                .root()
                .get("terms");
        Config run = base.withValue("distill4j.distill.run-id", ConfigValueFactory.fromAnyRef(runId))
                .withValue("distill4j.distill.terms", terms)
                .withValue("distill4j.train.seed", ConfigValueFactory.fromAnyRef(seed));
        Distill4jConfig c = from(run);
        return new Distill4jConfig(
                c.workDir,
                spark,
                hadoop,
                c.sample,
                c.dataset,
                c.shard,
                c.model,
                c.train,
                c.augment,
                c.teacher,
                c.cache,
                c.distill,
                c.evaluate,
                c.pipeline,
                c.inference,
                c.redactedJson);
    }

    /** True for Hadoop/Spark setting names that hold credentials. */
    public static boolean isSecret(String key) {
        return SECRET.matcher(key).matches();
    }

    private static String redact(Config resolved) {
        Config c = resolved.withOnlyPath(ConfigLoader.ROOT);
        for (String tree : new String[] {"distill4j.hadoop.conf", "distill4j.spark.conf"}) {
            if (!c.hasPath(tree)) continue;
            for (var e : c.getConfig(tree).entrySet()) {
                if (isSecret(e.getKey())) {
                    c = c.withValue(tree + "." + e.getKey(), ConfigValueFactory.fromAnyRef("<redacted>"));
                }
            }
        }
        return c.root().render(ConfigRenderOptions.concise().setFormatted(true));
    }
}
