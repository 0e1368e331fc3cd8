package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.DistillJob;
import org.apache.spark.sql.SparkSession;

import java.util.Set;

/** {@code distill}: train a student against the teacher's outputs. */
final class DistillCommand extends StageCommand {
    @Override
    public String name() {
        return "distill";
    }

    @Override
    public String summary() {
        return "train the student with distillation losses (or the baseline with none)";
    }

    @Override
    public String usage() {
        return usageWith("[--resume] [--no-resume] [--overwrite] ", """
                Trains the student of distill4j.model.student with the terms of distill4j.distill.terms against the
                cached (or online) teacher, and writes distill4j.distill.runs-dir/<run-id>/.
                  --resume      continue from the run's last checkpoint (the default when one exists)
                  --no-resume   start the run over
                  --overwrite   train again over a complete run""");
    }

    @Override
    protected Set<String> flags() {
        return Set.of("--resume", "--no-resume", "--overwrite");
    }

    @Override
    protected String[] overridesFor(CommandLine cl) {
        if (cl.flag("--no-resume")) return new String[] {"distill.resume=false"};
        if (cl.flag("--resume")) return new String[] {"distill.resume=true"};
        return new String[0];
    }

    @Override
    protected int run(SparkSession spark, Distill4jConfig config, CommandLine cl) throws Exception {
        new DistillJob(spark, config, cl.flag("--overwrite"), System.out).run();
        return 0;
    }

    @Override
    protected Output output(Distill4jConfig config) {
        return new Output(config.distill().runsDir() + "/" + config.distill().runId(), "distill.runs-dir");
    }

    @Override
    protected String keptWhenInterrupted(Distill4jConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return keptCheckpoints(new org.apache.hadoop.fs.Path(io.distill4j.storage.Storage.path(config.distill().runsDir()),
                config.distill().runId()), hadoop);
    }
}
