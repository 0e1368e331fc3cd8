package io.distill4j.eval.coco;

import io.distill4j.eval.CommandArgs;
import io.distill4j.eval.MetricsJson;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code coco-eval --gt instances.json --results detections.json [--out stats.json] [--model NAME]
 * [--split NAME]}: the twelve COCOeval bbox numbers for any COCO ground truth and results file,
 * printed in pycocotools' summarize() layout and written at full precision as metrics JSON.
 */
public final class CocoEvalCommand {
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

    public String name() {
        return "coco-eval";
    }

    public String summary() {
        return "COCO bbox AP/AR (pycocotools COCOeval rules) of a results JSON against instances JSON";
    }

    public String usage() {
        return """
                Usage: coco-eval --gt instances.json --results detections.json [--out stats.json]
                                 [--model NAME] [--split NAME]
                  --gt       COCO instances file (images, annotations, categories)
                  --results  COCO results file: [{"image_id","category_id","bbox":[x,y,w,h],"score"}]
                  --out      write {"task":"detection","stats":[12 numbers],"AP":..} at full precision
                  --model    model name recorded in the JSON (default: results file name)
                  --split    split name recorded in the JSON (default: gt file name)
                Prints the twelve numbers in pycocotools' summarize() layout.
                """;
    }

    public int run(List<String> args) throws Exception {
        CommandArgs a;
        try {
            a = CommandArgs.parse(args, List.of("--gt", "--results", "--out", "--model", "--split"));
            a.require("--gt");
            a.require("--results");
        } catch (IllegalArgumentException e) {
            err.println("coco-eval: " + e.getMessage());
            err.print(usage());
            return 2;
        }
        if (a.has("--help")) {
            out.print(usage());
            return 0;
        }
        Path gtFile = Path.of(a.get("--gt"));
        Path resultsFile = Path.of(a.get("--results"));
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
            if (a.has("--out")) {
                String model = a.getOrDefault("--model", resultsFile.getFileName().toString());
                String split = a.getOrDefault("--split", gtFile.getFileName().toString());
                Path outFile = Path.of(a.get("--out"));
                MetricsJson.write(stats.toMetricsJson(model, split), outFile);
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
