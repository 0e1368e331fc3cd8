package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import io.distill4j.train.RunDirectory;
import io.distill4j.util.NativeSetup;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Optional;
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

    /** Where a stage writes, and the key that moves it: named when the disk is full. */
    protected record Output(String location, String key) {}

    protected Output output(Distill4jConfig config) {
        return new Output(config.workDir(), "work-dir");
    }

    /**
     * What an interrupted run of this stage keeps and what rerunning it does: one clause, read from
     * the output directories while the JVM shuts down.
     */
    protected String keptWhenInterrupted(Distill4jConfig config, Configuration hadoop) {
        return "committed outputs are unchanged; rerunning the same command does this stage again";
    }

    /** The interrupted-run clause of a training run directory (distill, train-teacher). */
    static String keptCheckpoints(Path runDir, Configuration hadoop) {
        RunDirectory run = new RunDirectory(Storage.fs(runDir, hadoop), runDir);
        Optional<RunDirectory.Checkpoint> c = run.latestCheckpoint();
        if (c.isEmpty()) return "no epoch had finished, so " + runDir + " holds no checkpoint; rerunning the same command starts it again";
        return "kept " + c.get().file() + " (epoch " + c.get().epoch() + " done); rerunning the same command resumes from there";
    }

    @Override
    public final int run(List<String> args) throws Exception {
        CommandLine cl = CommandLine.parse(args, flags(), valuedOptions());
        Distill4jConfig config = cl.config(overridesFor(cl));
        System.out.println("[distill4j] " + NativeSetup.init());
        SparkSession spark = SparkSessions.start(config);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (InterruptNotice notice = InterruptNotice.watch(name(), () -> keptWhenInterrupted(config, hadoop), System.err)) {
            return run(spark, config, cl);
        } catch (Exception | Error e) {
            if (DiskFull.causes(e)) throw new StageOutputException(DiskFull.describe(output(config).location(), output(config).key()), e);
            throw e;
        } finally {
            spark.stop();
        }
    }
}
