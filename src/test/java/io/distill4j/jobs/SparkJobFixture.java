package io.distill4j.jobs;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.sample.SampleDatasetGenerator;
import io.distill4j.data.sample.SampleSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One job test class's world: the generated sample, a work directory and a real local[2] Spark,
 * optionally with the sample sharded, a teacher trained and its outputs cached. A class gets it in
 * one line, {@code @RegisterExtension static final SparkJobFixture job = SparkJobFixture.testSample().sharded();},
 * and reads {@link #spark()}, {@link #work()}, {@link #dir()} and {@link #config}.
 *
 * <p>Each class gets its own session and its own temporary directory, both gone after its last
 * test (the session stopped, the directory deleted), so neither its work files nor its session
 * (persisted RDDs, job groups) reach the next class Surefire runs in the same JVM; a
 * {@code distill4j*} system property the class set and left fails the class.
 */
final class SparkJobFixture implements BeforeAllCallback, AfterAllCallback {
    /** Where the job tests send the jobs' console lines they do not read. */
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** A set-up stage, run in the order the class asked for it, after the session started. */
    private interface Step {
        void run(SparkJobFixture job) throws Exception;
    }

    private final boolean cocoOnly;
    private final List<String> defaults = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private Map<String, String> propertiesBefore;
    private Path dir;
    private Path sample;
    private Path work;
    private SparkSession spark;

    private SparkJobFixture(boolean cocoOnly) {
        this.cocoOnly = cocoOnly;
    }

    /** The test sample ({@link SparkTestSupport#generateSample}) with {@link SparkTestSupport}'s settings. */
    static SparkJobFixture testSample() {
        return new SparkJobFixture(false);
    }

    /**
     * Only the sample's COCO half (the Cityscapes half at the generator's minimum), sharded at 32x32
     * (an 8x8 heatmap grid at stride 4) for tiny detectors, caching the train2017 split.
     */
    static SparkJobFixture cocoSample() {
        return new SparkJobFixture(true);
    }

    /** Settings every {@link #config} of the class starts from, after the test defaults. */
    SparkJobFixture with(String... settings) {
        defaults.addAll(List.of(settings));
        return this;
    }

    /** Runs shard with the class's settings before the first test. */
    SparkJobFixture sharded() {
        steps.add(job -> {
            Distill4jConfig c = job.config();
            new ShardJob(job.spark, c.dataset(), c.shard()).run();
        });
        return this;
    }

    /** Then train-teacher with the class's settings plus {@code extra}. */
    SparkJobFixture teacher(String... extra) {
        steps.add(job -> new TrainTeacherJob(job.spark, job.config(extra), QUIET).run());
        return this;
    }

    /** Then cache-teacher with the class's settings plus {@code extra}. */
    SparkJobFixture cached(String... extra) {
        steps.add(job -> new CacheTeacherJob(job.spark, job.config(extra), QUIET).run());
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        propertiesBefore = distill4jProperties();
        dir = Files.createTempDirectory(
                "distill4j-" + context.getRequiredTestClass().getSimpleName() + "-");
        sample = dir.resolve("sample");
        if (cocoOnly) {
            Files.createDirectories(sample);
            SampleDatasetGenerator.generate(
                    FileSystem.getLocal(new Configuration()),
                    new org.apache.hadoop.fs.Path(sample.toUri()),
                    new SampleSpec(
                            11, new SampleSpec.DatasetSize(1, 1, 64, 64), new SampleSpec.DatasetSize(6, 3, 96, 96)));
        } else {
            SparkTestSupport.generateSample(sample);
        }
        work = dir.resolve("work");
        spark = SparkTestSupport.spark(config());
        for (Step s : steps) s.run(this);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (spark != null) spark.stop();
        } finally {
            if (dir != null) delete(dir);
        }
        // A fault hook (distill4j-fault.*) a test set and did not clear would fire in the next class.
        Map<String, String> left = distill4jProperties();
        if (!left.equals(propertiesBefore)) {
            left.keySet().stream().filter(k -> !propertiesBefore.containsKey(k)).forEach(System::clearProperty);
            throw new AssertionError(context.getRequiredTestClass().getSimpleName()
                    + " left distill4j system properties changed: " + propertiesBefore + " -> " + left);
        }
    }

    private static Map<String, String> distill4jProperties() {
        Map<String, String> m = new TreeMap<>();
        for (String k : System.getProperties().stringPropertyNames())
            if (k.startsWith("distill4j")) m.put(k, System.getProperty(k));
        return m;
    }

    /** The class's temporary directory, for outputs a test places beside the work directory. */
    Path dir() {
        return dir;
    }

    /** The generated sample's root ({@code cityscapes/} and {@code coco/} below it). */
    Path sample() {
        return sample;
    }

    /** {@code work-dir}: shards, teacher, teacher cache and runs in their default places. */
    Path work() {
        return work;
    }

    SparkSession spark() {
        return spark;
    }

    /** distill with the class's settings plus {@code extra}, without --overwrite, its console unread. */
    DistillJob.Result distill(String... extra) throws Exception {
        return new DistillJob(spark, config(extra), false, QUIET).run();
    }

    /** The test settings, then the kind's, then the class's ({@link #with}), then {@code extra}. */
    Distill4jConfig config(String... extra) {
        return SparkTestSupport.config(work, sample, settings(extra));
    }

    /** The same settings as {@code key=value} overrides (what {@link #config} adds to the test settings). */
    String[] settings(String... extra) {
        List<String> all = new ArrayList<>(kindSettings());
        all.addAll(defaults);
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    private List<String> kindSettings() {
        if (!cocoOnly) return List.of();
        return List.of(
                "dataset.kind=coco",
                "dataset.root=\"" + sample.resolve("coco") + "\"",
                "dataset.splits=[train2017, val2017]",
                "shard.height=32",
                "shard.width=32",
                "cache.splits=[train2017]");
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
