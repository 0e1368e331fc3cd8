package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import io.distill4j.train.RunDirectory;
import io.distill4j.util.NativeMemoryExceeded;
import io.distill4j.util.NativeSetup;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand that runs one or more pipeline stages on Spark: takes the shared arguments
 * ({@link ConfigOptions}), loads the configuration once, sets up ND4J's native back end before anything loads it, and
 * runs inside one Spark session.
 */
abstract class StageCommand implements Callable<Integer> {
    @Mixin
    protected ConfigOptions options;

    @Spec
    protected CommandSpec spec;

    /** The subcommand's name, as the user typed it. */
    protected String name() {
        return spec.name();
    }

    /** Configuration overrides implied by flags (e.g. --overwrite -> shard.overwrite=true). */
    protected String[] flagOverrides() {
        return new String[0];
    }

    /** Checks the command's own options before anything starts; a usage error names the option. */
    protected void checkOptions() {}

    protected abstract int run(SparkSession spark, Distill4jConfig config) throws Exception;

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
        if (c.isEmpty())
            return "no epoch had finished, so " + runDir
                    + " holds no checkpoint; rerunning the same command starts it again";
        return "kept " + c.get().file() + " (epoch " + c.get().epoch()
                + " done); rerunning the same command resumes from there";
    }

    @Override
    public final Integer call() throws Exception {
        checkOptions();
        Distill4jConfig config = options.load(flagOverrides());
        if (options.printConfig()) {
            options.print(config);
            return 0;
        }
        // Which native library and how many threads: for the log file, nothing a user acts on.
        org.slf4j.LoggerFactory.getLogger("distill4j.native").info("{}", NativeSetup.init());
        // The driver's limit; executors set theirs in NativeThreadsPlugin (same key through SparkSessions).
        NativeSetup.limitNativeMemory(config.spark().nativeMemory());
        SparkSession spark = SparkSessions.start(config);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (InterruptNotice notice = InterruptNotice.watch(
                name(),
                () -> keptWhenInterrupted(config, hadoop),
                spec.commandLine().getErr())) {
            return run(spark, config);
        } catch (Exception | Error e) {
            if (DiskFull.causes(e))
                throw new StageOutputException(
                        DiskFull.describe(
                                output(config).location(), output(config).key()),
                        e);
            Optional<NativeMemoryExceeded> memory = NativeMemoryExceeded.in(e);
            if (memory.isPresent()) throw memory.get();
            throw e;
        } finally {
            spark.stop();
        }
    }
}
