package io.distill4j.jobs;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.sample.SampleDatasetGenerator;
import io.distill4j.data.sample.SampleSpec;
import io.distill4j.util.NativeSetup;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** A real local[2] Spark and a small generated sample for the job tests. */
final class SparkTestSupport {
    private SparkTestSupport() {}

    /** A small sample: Cityscapes 8 train / 4 val at 128x64, COCO 6 / 3 at 96x96. */
    static java.nio.file.Path generateSample(java.nio.file.Path root) throws Exception {
        Files.createDirectories(root);
        generateSample(FileSystem.getLocal(new Configuration()), new Path(root.toUri()));
        return root;
    }

    /** The same sample written through any Hadoop file system (e.g. straight onto s3a://). */
    static void generateSample(FileSystem fs, Path root) throws Exception {
        SampleSpec spec =
                new SampleSpec(11, new SampleSpec.DatasetSize(8, 4, 128, 64), new SampleSpec.DatasetSize(6, 3, 96, 96));
        SampleDatasetGenerator.generate(fs, root, spec);
    }

    /** Configuration with everything under {@code work}, small models, local[2]. */
    static Distill4jConfig config(java.nio.file.Path work, java.nio.file.Path sample, String... extra) {
        return config(work.toString(), sample.resolve("cityscapes").toString(), extra);
    }

    /** The same settings for any work directory and Cityscapes root (local paths or URIs). */
    static Distill4jConfig config(String workDir, String cityscapesRoot, String... extra) {
        return ConfigLoader.load(null, overrides(workDir, cityscapesRoot, extra));
    }

    /** The same settings as command-line {@code key=value} arguments, for tests that run the CLI. */
    static List<String> overrides(String workDir, String cityscapesRoot, String... extra) {
        List<String> o = new ArrayList<>(List.of(
                "work-dir=\"" + workDir + "\"",
                "spark.master=\"local[2]\"",
                "dataset.root=\"" + cityscapesRoot + "\"",
                "shard.height=32",
                "shard.width=64",
                "shard.num-shards=2",
                "model.teacher.width=8",
                "model.teacher.depth=1",
                "model.student.width=4",
                "model.student.depth=1",
                "train.batch-size-per-worker=4",
                "train.averaging-frequency=1",
                "train.epochs=2",
                "teacher.epochs=2",
                "cache.batch-size=3"));
        o.addAll(List.of(extra));
        return o;
    }

    static SparkSession spark(Distill4jConfig config) {
        NativeSetup.init();
        return SparkSessions.start(config);
    }
}
