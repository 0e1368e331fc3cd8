package io.distill4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.eval.report.ComparisonReport;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.Storage;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison a user wants after a pipeline: teacher, baseline and distilled students side by
 * side (mIoU, pixel accuracy, gain over the baseline, training time per epoch, distillation
 * terms), printed and written to {@code <work-dir>/report/comparison.md}.
 */
public final class PipelineReport {
    private PipelineReport() {}

    public static Path location(Distill4jConfig config) {
        return new Path(new Path(Storage.path(config.workDir()), "report"), "comparison.md");
    }

    /** Run ids under runs-dir that have a manifest, sorted. */
    public static List<String> completeRuns(SparkSession spark, Distill4jConfig config) {
        Path runs = Storage.path(config.distill().runsDir());
        FileSystem fs = Storage.fs(runs, spark.sparkContext().hadoopConfiguration());
        List<String> ids = new ArrayList<>();
        try {
            if (!fs.exists(runs)) return ids;
            for (FileStatus st : fs.listStatus(runs)) {
                if (st.isDirectory() && Manifest.exists(fs, st.getPath())) ids.add(st.getPath().getName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runs, e);
        }
        ids.sort(String::compareTo);
        return ids;
    }

    /** Writes comparison.md and returns the table. */
    public static String write(SparkSession spark, Distill4jConfig config, List<EvaluateJob.Evaluated> results) {
        FileSystem fs = Storage.fs(location(config), spark.sparkContext().hadoopConfiguration());
        double baseline = Double.NaN;
        for (EvaluateJob.Evaluated e : results) if (e.model().equals("baseline")) baseline = e.metrics().meanIou();
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "| model | mIoU | pixel acc | mIoU vs baseline | s/epoch | distillation terms |%n"));
        t.append("|---|---:|---:|---:|---:|---|\n");
        for (EvaluateJob.Evaluated e : results) {
            Path dir = e.reportDir().getParent();
            ObjectNode m = Manifest.read(fs, dir);
            double miou = e.metrics().meanIou();
            String delta = e.model().equals("teacher") || Double.isNaN(baseline) ? "" :
                    String.format(Locale.ROOT, "%+.2f", 100 * (miou - baseline));
            double spe = m.path("seconds_per_epoch").asDouble(Double.NaN);
            t.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %s | %s | %s |%n", e.model(), 100 * miou,
                    100 * e.metrics().pixelAccuracy(), delta, Double.isNaN(spe) ? "" : String.format(Locale.ROOT, "%.1f", spe),
                    terms(m)));
        }
        String table = t.toString();
        String doc = "# distill4j comparison (" + config.evaluate().split() + " split)\n\nmIoU and pixel accuracy in %, "
                + "by the Cityscapes rules over the whole split. Seeds: train.seed = " + config.train().seed() + " (one seed).\n\n"
                + table;
        EvaluateJob.write(fs, location(config), doc);
        writeHtml(fs, config, results);
        return table;
    }

    /** comparison.html beside comparison.md, when a baseline run is among the results. */
    private static void writeHtml(FileSystem fs, Distill4jConfig config, List<EvaluateJob.Evaluated> results) {
        String baseline = results.stream().anyMatch(e -> e.model().equals("baseline")) ? "baseline" : null;
        if (baseline == null) return;
        List<ComparisonReport.Entry> entries = new ArrayList<>();
        for (EvaluateJob.Evaluated e : results) entries.add(new ComparisonReport.Entry(e.model(), e.json()));
        try {
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile("comparison", ".html");
            new ComparisonReport(entries, baseline).writeHtml(tmp);
            fs.copyFromLocalFile(true, true, new Path(tmp.toUri()), new Path(location(config).getParent(), "comparison.html"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the comparison page: " + e.getMessage(), e);
        }
    }

    private static String terms(ObjectNode m) {
        List<String> parts = new ArrayList<>();
        for (JsonNode t : m.path("terms")) {
            parts.add(String.format(Locale.ROOT, "%s(w=%s, tau=%s)", t.path("kind").asText(), t.path("weight").asText(),
                    t.path("tau").asText()));
        }
        if (m.path("stage").asText().equals("train-teacher")) return "(teacher)";
        return parts.isEmpty() ? "none" : String.join(" + ", parts);
    }
}
