package io.distill4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.eval.report.ComparisonPage;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.ModelManifest;
import io.distill4j.manifest.RunManifest;
import io.distill4j.manifest.TeacherManifest;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.OwnedDirectory;
import io.distill4j.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

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
                if (st.isDirectory() && Manifest.exists(fs, st.getPath()))
                    ids.add(st.getPath().getName());
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
        for (EvaluateJob.Evaluated e : results)
            groups.computeIfAbsent(group(e.model()), k -> new ArrayList<>()).add(e);
        Headline h = Headline.of(results);
        double baseline = groups.containsKey("baseline") ? mean(groups.get("baseline"), h::primary) : Double.NaN;
        StringBuilder t = new StringBuilder();
        double baselineSpe =
                groups.containsKey("baseline") ? mean(groups.get("baseline"), r -> secondsPerEpoch(fs, r)) : Double.NaN;
        Map<String, Map<String, Double>> bytesByFingerprint = new LinkedHashMap<>();
        t.append("| model | seeds | " + h.primaryName + " | " + h.secondaryName + " | " + h.primaryName
                + " vs baseline | s/epoch | time vs baseline | teacher cache B/sample | distillation terms |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Map.Entry<String, List<EvaluateJob.Evaluated>> g : groups.entrySet()) {
            List<EvaluateJob.Evaluated> runs = g.getValue();
            ModelManifest m = manifest(fs, runs.get(0));
            double miou = mean(runs, h::primary);
            String spread = runs.size() > 1 ? String.format(Locale.ROOT, " ± %.2f", 100 * std(runs, h::primary)) : "";
            String delta = g.getKey().equals("teacher") || Double.isNaN(baseline)
                    ? ""
                    : String.format(Locale.ROOT, "%+.2f", 100 * (miou - baseline));
            double spe = mean(runs, r -> secondsPerEpoch(fs, r));
            boolean teacherRow = m == null || m instanceof TeacherManifest;
            String ratio = teacherRow || Double.isNaN(spe) || Double.isNaN(baselineSpe)
                    ? ""
                    : String.format(Locale.ROOT, "%.2fx", spe / baselineSpe);
            t.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.2f%s | %.2f | %s | %s | %s | %s | %s |%n",
                    g.getKey(),
                    runs.size(),
                    100 * miou,
                    spread,
                    100 * mean(runs, h::secondary),
                    delta,
                    Double.isNaN(spe) ? "" : String.format(Locale.ROOT, "%.1f", spe),
                    ratio,
                    m instanceof RunManifest run ? cacheBytes(spark, config, run, bytesByFingerprint) : "",
                    terms(m)));
        }
        String table = t.toString();
        String doc = "# distill4j comparison (" + config.evaluate().split() + " split)\n\n" + h.primaryName + " and "
                + h.secondaryName + " in %, by the " + h.rules
                + " rules over the whole split; mean ± sample standard deviation over the seeds "
                + config.pipeline().seeds() + " (the teacher is trained once).\n\n" + table;
        Path dir = location(config).getParent();
        try (StageRun stage = StageRun.start(spark, "pipeline", System.out)) {
            OwnedDirectory owned = stage.claim(fs, dir, "distill4j.work-dir", "comparison.md");
            Storage.writeText(fs, location(config), doc);
            Storage.writeText(fs, taskLocation(config, h.task()).suffix(".md"), doc);
            writeHtml(
                    fs,
                    config,
                    h,
                    groups,
                    table,
                    "Models compared on the " + config.evaluate().split() + " split ("
                            + h.task() + "): " + h.primaryName + " and " + h.secondaryName + " in %, by the " + h.rules
                            + " rules; mean ± sample standard deviation over the seeds "
                            + config.pipeline().seeds()
                            + " (the teacher is trained once). Each model name links to its report.");
            owned.verifyStillOwned();
        }
        return table;
    }

    private static double secondsPerEpoch(FileSystem fs, EvaluateJob.Evaluated r) {
        ModelManifest m = manifest(fs, r);
        return m == null ? Double.NaN : m.secondsPerEpoch();
    }

    /**
     * The manifest of the stage output that holds the report; null for an ONNX teacher, which has
     * no stage output of its own (its report sits under teacher.dir).
     */
    private static ModelManifest manifest(FileSystem fs, EvaluateJob.Evaluated r) {
        Path dir = r.reportDir().getParent();
        try {
            if (r.model().equals("teacher") && !Manifest.exists(fs, dir)) return null;
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        return Manifests.readModel(fs, dir);
    }

    /**
     * Bytes per training sample of the cached teacher outputs a run read: 0 for runs that need no
     * teacher, "online" for runs that computed the teacher's outputs every epoch instead.
     */
    private static String cacheBytes(
            SparkSession spark,
            Distill4jConfig config,
            RunManifest run,
            Map<String, Map<String, Double>> byFingerprint) {
        String mode = run.teacherMode() == null ? "none" : run.teacherMode();
        if (mode.equals("none")) return "0";
        if (mode.equals("online")) return "online";
        String fp = run.teacherFingerprint();
        Map<String, Double> perOutput = byFingerprint.computeIfAbsent(
                fp,
                f -> TeacherCache.bytesPerSample(
                        spark,
                        new Path(Storage.path(config.cache().output()), f),
                        run.trainSplit() == null ? "train" : run.trainSplit()));
        double total = 0;
        for (String o : run.teacherOutputs()) total += perOutput.getOrDefault(o, Double.NaN);
        return String.format(Locale.ROOT, "%.0f", total);
    }

    /**
     * The two numbers the table shows, read from each model's metrics.json: mIoU and pixel accuracy
     * for segmentation, COCO AP and AP50 for detection.
     */
    private record Headline(
            String task,
            String primaryKey,
            String primaryName,
            String secondaryKey,
            String secondaryName,
            String rules) {
        /** The headline of the results' task (of the first result; segmentation when unknown or none). */
        static Headline of(List<EvaluateJob.Evaluated> results) {
            VisionTask task =
                    results.isEmpty() ? null : VisionTasks.byId(results.get(0).task());
            if (task == null) task = VisionTasks.unrecorded();
            VisionTask.Headline h = task.headline();
            return new Headline(
                    task.id(), h.primaryKey(), h.primaryName(), h.secondaryKey(), h.secondaryName(), h.rules());
        }

        double primary(EvaluateJob.Evaluated e) {
            return e.json().path(primaryKey).asDouble(Double.NaN);
        }

        double secondary(EvaluateJob.Evaluated e) {
            return e.json().path(secondaryKey).asDouble(Double.NaN);
        }
    }

    private static double mean(
            List<EvaluateJob.Evaluated> runs, java.util.function.ToDoubleFunction<EvaluateJob.Evaluated> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double std(
            List<EvaluateJob.Evaluated> runs, java.util.function.ToDoubleFunction<EvaluateJob.Evaluated> f) {
        double m = mean(runs, f);
        double ss = runs.stream().mapToDouble(f).map(v -> (v - m) * (v - m)).sum();
        return Math.sqrt(ss / (runs.size() - 1));
    }

    /**
     * The task's own comparison files beside the shared ones ({@code comparison-segmentation.*},
     * {@code comparison-detection.*}): a Cityscapes pipeline and a COCO example that share a work
     * directory each keep their page; comparison.md/.html show the latest run and link to both.
     */
    static Path taskLocation(Distill4jConfig config, String task) {
        return new Path(location(config).getParent(), "comparison-" + task);
    }

    /**
     * comparison.html and comparison-&lt;task&gt;.html: the table above with links to every model's
     * report, the runs' curves overlaid and per-class scores side by side.
     */
    private static void writeHtml(
            FileSystem fs,
            Distill4jConfig config,
            Headline h,
            Map<String, List<EvaluateJob.Evaluated>> groups,
            String table,
            String intro) {
        Path reportDir = location(config).getParent();
        List<ComparisonPage.Group> pages = new ArrayList<>();
        for (Map.Entry<String, List<EvaluateJob.Evaluated>> g : groups.entrySet()) {
            List<ComparisonPage.Run> runs = new ArrayList<>();
            for (EvaluateJob.Evaluated e : g.getValue()) {
                Path runDir = e.reportDir().getParent();
                List<double[]> loss = new ArrayList<>();
                List<double[]> validation = new ArrayList<>();
                readCurves(fs, new Path(runDir, "metrics.jsonl"), loss, validation);
                runs.add(new ComparisonPage.Run(
                        e.model(), href(reportDir, new Path(e.reportDir(), "index.html")), e.json(), loss, validation));
            }
            pages.add(new ComparisonPage.Group(g.getKey(), runs));
        }
        String name = taskLocation(config, h.task()).getName();
        java.nio.file.Path local = null;
        try {
            local = java.nio.file.Files.createTempDirectory("distill4j-comparison");
            List<ComparisonPage.Link> others = new ArrayList<>();
            for (VisionTask t : VisionTasks.ALL) {
                String task = t.id();
                Path page = taskLocation(config, task).suffix(".html");
                if (task.equals(h.task()) || fs.exists(page)) others.add(new ComparisonPage.Link(task, page.getName()));
            }
            ComparisonPage page = new ComparisonPage("Model comparison (" + h.task() + ")", intro, table, pages);
            List<java.nio.file.Path> files = new ArrayList<>(page.write(local, name, others));
            java.nio.file.Path latest = local.resolve("comparison.html");
            java.nio.file.Files.copy(files.get(0), latest);
            files.add(latest);
            for (java.nio.file.Path f : files) {
                fs.copyFromLocalFile(
                        false,
                        true,
                        new Path(f.toUri()),
                        new Path(reportDir, f.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the comparison page in " + reportDir + ": " + e.getMessage(), e);
        } finally {
            if (local != null) org.apache.commons.io.FileUtils.deleteQuietly(local.toFile());
        }
    }

    /** A link from the comparison page's directory: relative on the local file system, else the full URI. */
    static String href(Path from, Path to) {
        java.net.URI a = from.toUri();
        java.net.URI b = to.toUri();
        if ("file".equals(a.getScheme()) && "file".equals(b.getScheme())) {
            return java.nio.file.Paths.get(a)
                    .relativize(java.nio.file.Paths.get(b))
                    .toString()
                    .replace('\\', '/');
        }
        return b.toString();
    }

    /** (epoch, task loss) and (epoch, validation metric) from a run's epoch lines in metrics.jsonl. */
    private static void readCurves(FileSystem fs, Path metrics, List<double[]> loss, List<double[]> validation) {
        try {
            if (!fs.exists(metrics)) return;
            try (var in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(fs.open(metrics), java.nio.charset.StandardCharsets.UTF_8))) {
                int n = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    n++;
                    if (line.isBlank()) continue;
                    JsonNode node;
                    try {
                        node = Manifest.JSON.readTree(line);
                    } catch (IOException e) {
                        throw new IOException(metrics + " line " + n + ": malformed JSON", e);
                    }
                    if (!node.path("kind").asText("epoch").equals("epoch") || !node.has("epoch")) continue;
                    double epoch = node.path("epoch").asDouble();
                    // the task terms are comparable across methods; the total adds each method's own terms
                    double task = 0;
                    boolean any = false;
                    for (var it = node.path("terms").fields(); it.hasNext(); ) {
                        var t = it.next();
                        if ((t.getKey().equals("task") || t.getKey().startsWith("task_"))
                                && t.getValue().isNumber()) {
                            task += t.getValue().asDouble(); // detection: task_heatmap + task_size + task_offset
                            any = true;
                        }
                    }
                    if (any) loss.add(new double[] {epoch, task});
                    JsonNode v = node.path("validation").path("value");
                    if (v.isNumber()) validation.add(new double[] {epoch, v.asDouble()});
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metrics + ": " + e.getMessage(), e);
        }
    }

    private static String terms(ModelManifest m) {
        if (!(m instanceof RunManifest run)) return "(teacher)";
        List<String> parts = new ArrayList<>();
        for (RunManifest.Term t : run.terms()) {
            parts.add(String.format(Locale.ROOT, "%s(w=%s, tau=%s)", t.kind(), t.weight(), t.tau()));
        }
        return parts.isEmpty() ? "none" : String.join(" + ", parts);
    }
}
