package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.EvaluateJob;
import io.distill4j.jobs.PipelineReport;
import io.distill4j.onnx.OnnxModelSettings;
import io.distill4j.storage.Storage;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
        return usageWith("[--model FILE.onnx [--report DIR]] ", """
                Evaluates the teacher (distill4j.teacher.dir, or the ONNX teacher of distill4j.teacher.onnx.path) and every
                complete run under distill4j.distill.runs-dir on distill4j.evaluate.split, writes each model's
                report/metrics.json and prints the comparison table.
                COCO shards: also report/detections.json (COCO results format). Cityscapes shards with
                distill4j.evaluate.export-predictions=true: also report/predictions/*.png (labelIds). See docs/evaluation.md.

                --model FILE.onnx  score only this ONNX model (local, hdfs://, s3a://) with ONNX Runtime; its input and
                                   outputs come from its distill4j.* metadata (docs/onnx-teacher.md)
                --report DIR       where its report goes (default: FILE without .onnx, plus -report)""");
    }

    @Override
    protected Set<String> valuedOptions() {
        return Set.of("--model", "--report");
    }

    @Override
    protected int run(SparkSession spark, Distill4jConfig config, CommandLine cl) throws Exception {
        EvaluateJob job = new EvaluateJob(spark, config, System.out);
        String model = cl.option("--model");
        if (model != null) {
            if (!model.endsWith(".onnx")) {
                throw new CommandLine.UsageException("--model takes an .onnx file; DL4J models are evaluated from their run directories");
            }
            Path report = cl.option("--report") != null ? Storage.path(cl.option("--report"))
                    : Storage.path(model.substring(0, model.length() - ".onnx".length()) + "-report");
            String name = Storage.path(model).getName().replaceFirst("\\.onnx$", "");
            job.evaluateOnnx(name, OnnxModelSettings.fromFile(model), "evaluate --model", report, null, null);
            return 0;
        }
        List<EvaluateJob.Evaluated> results = new ArrayList<>();
        EvaluateJob.Evaluated teacher = job.evaluateTeacher();
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
