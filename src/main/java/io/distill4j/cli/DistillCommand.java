package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.DistillJob;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distill}: train a student against the teacher's outputs. */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description = "train the student with distillation losses (or the baseline with none)",
        footer = {
            "",
            "Trains the student of distill4j.model.student with the terms of distill4j.distill.terms against the cached "
                    + "(or online) teacher, and writes distill4j.distill.runs-dir/<run-id>/."
        })
final class DistillCommand extends StageCommand {
    @Option(names = "--resume", description = "continue from the run's last checkpoint (the default when one exists)")
    private boolean resume;

    @Option(names = "--no-resume", description = "start the run over (distill.resume=false)")
    private boolean noResume;

    @Option(names = "--overwrite", description = "train again over a complete run")
    private boolean overwrite;

    @Override
    protected String[] flagOverrides() {
        if (noResume) return new String[] {"distill.resume=false"};
        if (resume) return new String[] {"distill.resume=true"};
        return new String[0];
    }

    @Override
    protected int run(SparkSession spark, Distill4jConfig config) throws Exception {
        new DistillJob(spark, config, overwrite, System.out).run();
        return 0;
    }

    @Override
    protected Output output(Distill4jConfig config) {
        return new Output(config.distill().runsDir() + "/" + config.distill().runId(), "distill.runs-dir");
    }

    @Override
    protected String keptWhenInterrupted(Distill4jConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return keptCheckpoints(
                new org.apache.hadoop.fs.Path(
                        io.distill4j.storage.Storage.path(config.distill().runsDir()),
                        config.distill().runId()),
                hadoop);
    }
}
