package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.EvaluateJob;
import io.distill4j.jobs.PipelineReport;
import io.distill4j.storage.Storage;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;

/** {@code evaluate}: score the teacher and every finished student run on the validation shards. */
final class EvaluateCommand extends StageCommand {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "mIoU (Cityscapes) or COCO AP of the teacher and the students; report/ per model and a comparison";
    }

    @Override
    public String usage() {
        return usageWith("", """
                Evaluates the teacher (distill4j.teacher.dir) and every complete run under distill4j.distill.runs-dir
                on distill4j.evaluate.split, writes each model's report/metrics.json and prints the comparison table.
                COCO shards: also report/detections.json (COCO results format). Cityscapes shards with
                distill4j.evaluate.export-predictions=true: also report/predictions/*.png (labelIds). See docs/evaluation.md.""");
    }

    @Override
    protected int run(SparkSession spark, Distill4jConfig config, CommandLine cl) throws Exception {
        EvaluateJob job = new EvaluateJob(spark, config, System.out);
        List<EvaluateJob.Evaluated> results = new ArrayList<>();
        EvaluateJob.Evaluated teacher = job.evaluate("teacher", Storage.path(config.teacher().dir()));
        results.add(teacher);
        for (String run : PipelineReport.completeRuns(spark, config)) {
            results.add(job.evaluate(run, new org.apache.hadoop.fs.Path(Storage.path(config.distill().runsDir()), run), teacher));
        }
        System.out.println(PipelineReport.write(spark, config, results));
        return 0;
    }

    @Override
    protected String keptWhenInterrupted(Distill4jConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return "the models and their earlier reports are unchanged; rerunning the same command evaluates again";
    }
}
