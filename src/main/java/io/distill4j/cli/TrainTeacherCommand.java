package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.TrainTeacherJob;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train-teacher}: supervised teacher training on the shards. */
@Command(
        name = "train-teacher",
        mixinStandardHelpOptions = true,
        description = "train the teacher on the train shards (Spark parameter averaging)",
        footer = {
            "",
            "Trains the teacher described by distill4j.model.teacher for distill4j.teacher.epochs and writes "
                    + "distill4j.teacher.dir: teacher.zip, checkpoints/, metrics.jsonl, _manifest.json. An interrupted run resumes "
                    + "from its last checkpoint."
        })
final class TrainTeacherCommand extends StageCommand {
    @Option(
            names = "--overwrite",
            description = "train a new teacher over an existing complete one (teacher.overwrite=true)")
    private boolean overwrite;

    @Override
    protected String[] flagOverrides() {
        return overwrite ? new String[] {"teacher.overwrite=true"} : new String[0];
    }

    @Override
    protected int run(SparkSession spark, Distill4jConfig config) throws Exception {
        new TrainTeacherJob(spark, config, System.out).run();
        return 0;
    }

    @Override
    protected Output output(Distill4jConfig config) {
        return new Output(config.teacher().dir(), "teacher.dir");
    }

    @Override
    protected String keptWhenInterrupted(Distill4jConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return keptCheckpoints(
                io.distill4j.storage.Storage.path(config.teacher().dir()), hadoop);
    }
}
