package io.distill4j.eval.coco;

import io.distill4j.eval.MetricsJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code coco-eval --gt instances.json --results detections.json [--out stats.json] [--model NAME]
 * [--split NAME]}: the twelve COCOeval bbox numbers for any COCO ground truth and results file,
 * printed in pycocotools' summarize() layout and written at full precision as metrics JSON.
 */
@Command(
        name = "coco-eval",
        mixinStandardHelpOptions = true,
        description = "COCO bbox AP/AR (pycocotools COCOeval rules) of a results JSON against instances JSON",
        footer = {"", "Prints the twelve numbers in pycocotools' summarize() layout."})
public final class CocoEvalCommand implements Callable<Integer> {
    @Option(
            names = "--gt",
            paramLabel = "instances.json",
            description = "COCO instances file (images, annotations, categories)")
    private Path gtFile;

    @Option(
            names = "--results",
            paramLabel = "detections.json",
            description = "COCO results file: [{\"image_id\",\"category_id\",\"bbox\":[x,y,w,h],\"score\"}]")
    private Path resultsFile;

    @Option(
            names = "--out",
            paramLabel = "stats.json",
            description = "write {\"task\":\"detection\",\"stats\":[12 numbers],\"AP\":..} at full precision")
    private Path outFile;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "model name recorded in the JSON (default: results file name)")
    private String model;

    @Option(
            names = "--split",
            paramLabel = "NAME",
            description = "split name recorded in the JSON (default: gt file name)")
    private String split;

    @Spec
    private CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    public CocoEvalCommand() {
        this(System.out, System.err);
    }

    /** For tests and embedding: where the summary and the errors go. */
    public CocoEvalCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (gtFile == null) throw new ParameterException(spec.commandLine(), "missing --gt");
        if (resultsFile == null) throw new ParameterException(spec.commandLine(), "missing --results");
        try {
            requireFile(gtFile, "--gt");
            requireFile(resultsFile, "--results");
            CocoGroundTruth gt = CocoGroundTruth.read(gtFile);
            List<CocoDetection> detections = CocoResultsJson.read(resultsFile);
            CocoStats stats;
            try {
                stats = CocoEvaluator.evaluate(gt, detections);
            } catch (IllegalArgumentException e) {
                throw new IOException(resultsFile + ": " + e.getMessage() + " (ground truth " + gtFile + ")", e);
            }
            out.print(stats.summarize());
            if (outFile != null) {
                String modelName =
                        model != null ? model : resultsFile.getFileName().toString();
                String splitName = split != null ? split : gtFile.getFileName().toString();
                MetricsJson.write(stats.toMetricsJson(modelName, splitName), outFile);
                out.println("wrote " + outFile);
            }
            return 0;
        } catch (IOException e) {
            err.println("coco-eval: " + e.getMessage());
            return 1;
        }
    }

    private static void requireFile(Path file, String option) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(option + " " + file + ": no such file");
    }
}
