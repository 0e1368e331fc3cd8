package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.CacheTeacherJob;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** {@code cache-teacher}: run the teacher once and cache its outputs in Parquet. */
@Command(
        name = "cache-teacher",
        mixinStandardHelpOptions = true,
        description = "run the teacher over the shards once; cache logits/taps in Parquet (resumable)",
        footer = {
            "",
            "Writes distill4j.cache.output/<teacher fingerprint>/<split>/part-*.parquet, one row per sample and output, "
                    + "encoded with the codec of distill4j.cache.outputs. A rerun skips the shard files already cached; a complete "
                    + "cache (with _manifest.json) is left as it is."
        })
final class CacheTeacherCommand extends StageCommand {
    @Override
    protected int run(SparkSession spark, Distill4jConfig config) throws Exception {
        new CacheTeacherJob(spark, config, System.out).run();
        return 0;
    }

    @Override
    protected Output output(Distill4jConfig config) {
        return new Output(config.cache().output(), "cache.output");
    }

    @Override
    protected String keptWhenInterrupted(Distill4jConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return "every cache file already committed under " + config.cache().output()
                + " is kept; rerunning the same command caches only the rest";
    }
}
