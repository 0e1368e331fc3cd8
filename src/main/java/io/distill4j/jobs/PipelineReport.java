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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The comparison a user wants after a pipeline: teacher, baseline and distilled students side by
 * side (mIoU and pixel accuracy, or COCO AP and AP50; gain over the baseline, training time per
 * epoch, distillation terms), printed and written to {@code <work-dir>/report/comparison.md}.
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

    /** The student run id for one seed: the plain id for a single seed, else {@code id-s<seed>}. */
    public static String runId(String base, long seed, boolean severalSeeds) {
        return severalSeeds ? base + "-s" + seed : base;
    }

    private static String group(String model) {
        return model.replaceFirst("-s-?\\d+$", "");
    }

    /**
     * Writes comparison.md (and comparison.html) and returns the table: one row per model, with the
     * mean and the spread (sample standard deviation) over the seeds each student was trained with.
     */
    public static String write(SparkSession spark, Distill4jConfig config, List<EvaluateJob.Evaluated> results) {
        FileSystem fs = Storage.fs(location(config), spark.sparkContext().hadoopConfiguration());
        Map<String, List<EvaluateJob.Evaluated>> groups = new LinkedHashMap<>();
        for (EvaluateJob.Evaluated e : results) groups.computeIfAbsent(group(e.model()), k -> new ArrayList<>()).add(e);
        Headline h = Headline.of(results);
        double baseline = groups.containsKey("baseline") ? mean(groups.get("baseline"), h::primary) : Double.NaN;
        StringBuilder t = new StringBuilder();
        double baselineSpe = groups.containsKey("baseline") ? mean(groups.get("baseline"), r -> secondsPerEpoch(fs, r)) : Double.NaN;
        Map<String, Map<String, Double>> bytesByFingerprint = new LinkedHashMap<>();
        t.append("| model | seeds | " + h.primaryName + " | " + h.secondaryName + " | " + h.primaryName
                + " vs baseline | s/epoch | time vs baseline | teacher cache B/sample | distillation terms |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Map.Entry<String, List<EvaluateJob.Evaluated>> g : groups.entrySet()) {
            List<EvaluateJob.Evaluated> runs = g.getValue();
            ObjectNode m = manifest(fs, runs.get(0));
            double miou = mean(runs, h::primary);
            String spread = runs.size() > 1 ? String.format(Locale.ROOT, " ± %.2f", 100 * std(runs, h::primary)) : "";
            String delta = g.getKey().equals("teacher") || Double.isNaN(baseline) ? "" :
                    String.format(Locale.ROOT, "%+.2f", 100 * (miou - baseline));
            double spe = mean(runs, r -> secondsPerEpoch(fs, r));
            boolean teacherRow = isTeacher(m);
            String ratio = teacherRow || Double.isNaN(spe) || Double.isNaN(baselineSpe) ? ""
                    : String.format(Locale.ROOT, "%.2fx", spe / baselineSpe);
            t.append(String.format(Locale.ROOT, "| %s | %d | %.2f%s | %.2f | %s | %s | %s | %s | %s |%n", g.getKey(), runs.size(),
                    100 * miou, spread, 100 * mean(runs, h::secondary), delta,
                    Double.isNaN(spe) ? "" : String.format(Locale.ROOT, "%.1f", spe), ratio,
                    teacherRow ? "" : cacheBytes(spark, config, m, bytesByFingerprint), terms(m)));
        }
        String table = t.toString();
        String doc = "# distill4j comparison (" + config.evaluate().split() + " split)\n\n" + h.primaryName + " and "
                + h.secondaryName + " in %, by the " + h.rules + " rules over the whole split; mean ± sample standard deviation over the seeds "
                + config.pipeline().seeds() + " (the teacher is trained once).\n\n" + table;
        Storage.writeText(fs, location(config), doc);
        writeHtml(fs, config, results);
        return table;
    }

    private static double secondsPerEpoch(FileSystem fs, EvaluateJob.Evaluated r) {
        return manifest(fs, r).path("seconds_per_epoch").asDouble(Double.NaN);
    }

    /** Stage name standing in for a manifest: an ONNX teacher has no stage output of its own. */
    private static final String ONNX_TEACHER = "onnx-teacher";

    /** The manifest of the stage output that holds the report; for an ONNX teacher, a stand-in. */
    private static ObjectNode manifest(FileSystem fs, EvaluateJob.Evaluated r) {
        Path dir = r.reportDir().getParent();
        try {
            if (r.model().equals("teacher") && !Manifest.exists(fs, dir)) {
                return Manifest.JSON.createObjectNode().put("stage", ONNX_TEACHER);
            }
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        return Manifest.read(fs, dir);
    }

    private static boolean isTeacher(ObjectNode m) {
        String stage = m.path("stage").asText();
        return stage.equals("train-teacher") || stage.equals(ONNX_TEACHER);
    }

    /**
     * Bytes per training sample of the cached teacher outputs a run read: 0 for runs that need no
     * teacher, "online" for runs that computed the teacher's outputs every epoch instead.
     */
    private static String cacheBytes(SparkSession spark, Distill4jConfig config, ObjectNode run,
                                     Map<String, Map<String, Double>> byFingerprint) {
        String mode = run.path("teacher_mode").asText("none");
        if (mode.equals("none")) return "0";
        if (mode.equals("online")) return "online";
        String fp = run.path("teacher_fingerprint").asText();
        Map<String, Double> perOutput = byFingerprint.computeIfAbsent(fp, f ->
                TeacherCache.bytesPerSample(spark, new Path(Storage.path(config.cache().output()), f),
                        run.path("train_split").asText("train")));
        double total = 0;
        for (JsonNode o : run.path("teacher_outputs")) total += perOutput.getOrDefault(o.asText(), Double.NaN);
        return String.format(Locale.ROOT, "%.0f", total);
    }

    /**
     * The two numbers the table shows, read from each model's metrics.json: mIoU and pixel accuracy
     * for segmentation, COCO AP and AP50 for detection.
     */
    private record Headline(String primaryKey, String primaryName, String secondaryKey, String secondaryName, String rules) {
        static Headline of(List<EvaluateJob.Evaluated> results) {
            boolean detection = !results.isEmpty() && results.get(0).task().equals("detection");
            return detection ? new Headline("AP", "AP", "AP50", "AP50", "COCOeval")
                    : new Headline("miou", "mIoU", "pixel_accuracy", "pixel acc", "Cityscapes");
        }

        double primary(EvaluateJob.Evaluated e) {
            return e.json().path(primaryKey).asDouble(Double.NaN);
        }

        double secondary(EvaluateJob.Evaluated e) {
            return e.json().path(secondaryKey).asDouble(Double.NaN);
        }
    }

    private static double mean(List<EvaluateJob.Evaluated> runs, java.util.function.ToDoubleFunction<EvaluateJob.Evaluated> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double std(List<EvaluateJob.Evaluated> runs, java.util.function.ToDoubleFunction<EvaluateJob.Evaluated> f) {
        double m = mean(runs, f);
        double ss = runs.stream().mapToDouble(f).map(v -> (v - m) * (v - m)).sum();
        return Math.sqrt(ss / (runs.size() - 1));
    }

    /** comparison.html beside comparison.md, when a baseline run is among the results. */
    private static void writeHtml(FileSystem fs, Distill4jConfig config, List<EvaluateJob.Evaluated> results) {
        String baseline = results.stream().map(EvaluateJob.Evaluated::model).filter(m -> group(m).equals("baseline"))
                .findFirst().orElse(null);
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
        if (isTeacher(m)) return "(teacher)";
        return parts.isEmpty() ? "none" : String.join(" + ", parts);
    }
}
