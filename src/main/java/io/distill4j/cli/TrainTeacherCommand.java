package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.TrainTeacherJob;
import org.apache.spark.sql.SparkSession;

import java.util.Set;

/** {@code train-teacher}: supervised teacher training on the shards. */
final class TrainTeacherCommand extends StageCommand {
    @Override
    public String name() {
        return "train-teacher";
    }

    @Override
    public String summary() {
        return "train the teacher on the train shards (Spark parameter averaging)";
    }

    @Override
    public String usage() {
        return usageWith("[--overwrite] ", """
                Trains the segmentation teacher described by distill4j.model.teacher for distill4j.teacher.epochs
                and writes distill4j.teacher.dir: teacher.zip, checkpoints/, metrics.jsonl, _manifest.json.
                An interrupted run resumes from its last checkpoint.
                  --overwrite   train a new teacher over an existing complete one""");
    }

    @Override
    protected Set<String> flags() {
        return Set.of("--overwrite");
    }

    @Override
    protected String[] overridesFor(CommandLine cl) {
        return cl.flag("--overwrite") ? new String[] {"teacher.overwrite=true"} : new String[0];
    }

    @Override
    protected int run(SparkSession spark, Distill4jConfig config, CommandLine cl) throws Exception {
        new TrainTeacherJob(spark, config, System.out).run();
        return 0;
    }

    @Override
    protected Output output(Distill4jConfig config) {
        return new Output(config.teacher().dir(), "teacher.dir");
    }

    @Override
    protected String keptWhenInterrupted(Distill4jConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return keptCheckpoints(io.distill4j.storage.Storage.path(config.teacher().dir()), hadoop);
    }
}
