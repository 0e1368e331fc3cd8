package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.util.NativeSetup;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Set;

/**
 * A subcommand that runs one or more pipeline stages on Spark: parses the shared arguments,
 * loads the configuration once, sets up ND4J's native back end before anything loads it, and
 * runs inside one Spark session.
 */
abstract class StageCommand implements Command {
    /** Flags the command accepts besides --conf, --help and key=value. */
    protected Set<String> flags() {
        return Set.of();
    }

    /** Options that take a value (e.g. --model FILE). */
    protected Set<String> valuedOptions() {
        return Set.of();
    }

    /** Configuration overrides implied by flags (e.g. --overwrite -> shard.overwrite=true). */
    protected String[] overridesFor(CommandLine cl) {
        return new String[0];
    }

    protected abstract int run(SparkSession spark, Distill4jConfig config, CommandLine cl) throws Exception;

    /** Shared usage text: the command's own lines plus the common arguments. */
    protected String usageWith(String synopsis, String description) {
        return "usage: jobs/distill4j " + name() + " [--conf FILE] " + synopsis + "[key=value ...]\n\n" + description
                + "\n\n  --conf FILE   an experiment configuration (HOCON), e.g. conf/sample-local.conf\n"
                + "  key=value     override any configuration key (prefix distill4j. optional)\n"
                + "  --master URL  (jobs/ scripts) run through spark-submit on that master\n";
    }

    @Override
    public final int run(List<String> args) throws Exception {
        CommandLine cl = CommandLine.parse(args, flags(), valuedOptions());
        Distill4jConfig config = cl.config(overridesFor(cl));
        System.out.println("[distill4j] " + NativeSetup.init());
        SparkSession spark = SparkSessions.start(config);
        try {
            return run(spark, config, cl);
        } finally {
            spark.stop();
        }
    }
}
