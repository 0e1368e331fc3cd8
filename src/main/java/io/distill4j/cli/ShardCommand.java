package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.ShardJob;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shard}: source dataset -> Parquet training shards. */
@Command(
        name = "shard",
        mixinStandardHelpOptions = true,
        description = "read Cityscapes or COCO, decode and resize, write Parquet shards",
        footer = {
            "",
            "Reads distill4j.dataset.root (file://, hdfs:// or s3a://) and writes distill4j.shard.output: one directory "
                    + "of part-*.parquet per split and _manifest.json, committed atomically."
        })
final class ShardCommand extends StageCommand {
    @Option(names = "--overwrite", description = "replace an existing complete output (shard.overwrite=true)")
    private boolean overwrite;

    @Override
    protected String[] flagOverrides() {
        return overwrite ? new String[] {"shard.overwrite=true"} : new String[0];
    }

    @Override
    protected int run(SparkSession spark, Distill4jConfig config) {
        ShardJob.Result r = new ShardJob(spark, config.dataset(), config.shard()).run();
        System.out.println("[shard] wrote " + r.output() + " " + r.counts()
                + (r.skipped().isEmpty()
                        ? ""
                        : ", skipped " + r.skipped().size() + " bad samples (listed in the manifest)"));
        r.warningLine().ifPresent(System.out::println);
        return 0;
    }

    @Override
    protected Output output(Distill4jConfig config) {
        return new Output(config.shard().output(), "shard.output");
    }

    @Override
    protected String keptWhenInterrupted(Distill4jConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return "shards are committed all at once, so nothing of this run is kept and committed outputs are unchanged;"
                + " rerunning the same command shards again";
    }
}
