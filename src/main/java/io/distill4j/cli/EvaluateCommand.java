package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.jobs.EvaluateJob;
import io.distill4j.jobs.PipelineReport;
import io.distill4j.onnx.OnnxModelSettings;
import io.distill4j.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code evaluate}: score the teacher and every finished student run on the validation shards. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "mIoU (Cityscapes) or COCO AP of the teacher and the students; report/ per model and a comparison",
        footer = {
            "",
            "Evaluates the teacher (distill4j.teacher.dir, or the ONNX teacher of distill4j.teacher.onnx.path) and every "
                    + "complete run under distill4j.distill.runs-dir on distill4j.evaluate.split, writes each model's "
                    + "report/metrics.json and prints the comparison table. COCO shards: also report/detections.json (COCO results "
                    + "format). Cityscapes shards with distill4j.evaluate.export-predictions=true: also report/predictions/*.png "
                    + "(labelIds). See docs/evaluation.md."
        })
final class EvaluateCommand extends StageCommand {
    @Option(
            names = "--model",
            paramLabel = "FILE.onnx",
            description =
                    "score only this ONNX model (local, hdfs://, s3a://) with ONNX Runtime; its input and outputs come "
                            + "from its distill4j.* metadata (docs/onnx-teacher.md)")
    private String model;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            description = "where its report goes (default: FILE without .onnx, plus -report)")
    private String report;

    @Override
    protected void checkOptions() {
        if (model != null && !model.endsWith(".onnx")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--model takes an .onnx file; DL4J models are evaluated from their run directories");
        }
        if (report != null && model == null)
            throw new ParameterException(spec.commandLine(), "--report goes with --model");
    }

    @Override
    protected int run(SparkSession spark, Distill4jConfig config) throws Exception {
        EvaluateJob job = new EvaluateJob(spark, config, System.out);
        if (model != null) {
            Path reportDir = report != null
                    ? Storage.path(report)
                    : Storage.path(model.substring(0, model.length() - ".onnx".length()) + "-report");
            String name = Storage.path(model).getName().replaceFirst("\\.onnx$", "");
            job.evaluateOnnx(name, OnnxModelSettings.fromFile(model), "evaluate --model", reportDir, null, null);
            return 0;
        }
        List<EvaluateJob.Evaluated> results = new ArrayList<>();
        EvaluateJob.Evaluated teacher = job.evaluateTeacher();
        results.add(teacher);
        for (String run : PipelineReport.completeRuns(spark, config)) {
            results.add(job.evaluate(
                    run,
                    new org.apache.hadoop.fs.Path(Storage.path(config.distill().runsDir()), run),
                    teacher));
        }
        System.out.println(PipelineReport.write(spark, config, results));
        System.out.print(PipelineCommand.reportList(config, results));
        return 0;
    }

    @Override
    protected String keptWhenInterrupted(Distill4jConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return "the models and their earlier reports are unchanged; rerunning the same command evaluates again";
    }
}
