package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.PipelineSettings;
import io.distill4j.jobs.CacheTeacherJob;
import io.distill4j.jobs.DistillJob;
import io.distill4j.jobs.EvaluateJob;
import io.distill4j.jobs.PipelineReport;
import io.distill4j.jobs.ShardJob;
import io.distill4j.jobs.TrainTeacherJob;
import io.distill4j.manifest.DecidingSettings;
import io.distill4j.manifest.InputRef;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.Reuse;
import io.distill4j.manifest.RunManifest;
import io.distill4j.manifest.ShardManifest;
import io.distill4j.manifest.StageManifest;
import io.distill4j.manifest.StageSettings;
import io.distill4j.manifest.TeacherManifest;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/**
 * {@code pipeline}: the whole chain in one Spark session: generate-sample -> shard -> train-teacher
 * -> cache-teacher -> distill (each student run of distill4j.pipeline.students) -> evaluate.
 * Every stage whose output is already complete, made with the same deciding settings from the same
 * inputs, is reused, so a rerun after a crash picks up where it stopped; one made otherwise stops
 * the pipeline with the setting that differs (docs/manifests.md, Reuse).
 */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = "run every stage in order, reusing complete outputs; ends with the comparison table",
        footer = {
            "",
            "Runs generate-sample (when distill4j.dataset.root is the sample and is missing), shard, train-teacher, "
                    + "cache-teacher, distill for each run of distill4j.pipeline.students, and evaluate. Complete outputs from earlier "
                    + "runs are reused; interrupted ones resume."
        })
final class PipelineCommand extends StageCommand {
    @Override
    protected int run(SparkSession spark, Distill4jConfig config) throws Exception {
        long start = System.nanoTime();
        FileSystem fs =
                Storage.fs(Storage.path(config.workDir()), spark.sparkContext().hadoopConfiguration());
        if (Storage.path(config.dataset().root())
                .toString()
                .startsWith(Storage.path(config.sample().output()).toString())) {
            System.out.println("[pipeline] 1/6 generate-sample: "
                    + GenerateSampleCommand.generate(config.sample(), config.hadoop(), false)
                            .message());
        }
        Path shards = Storage.path(config.shard().output());
        if (reusable(
                fs,
                shards,
                ShardManifest.class,
                DecidingSettings.shard(config.dataset(), config.shard()),
                Map.of(),
                config.shard().overwrite(),
                "2/6 shard",
                "pass shard.overwrite=true to replace them")) {
            System.out.println("[pipeline] 2/6 shard: reusing " + shards);
        } else {
            ShardJob.Result r = new ShardJob(spark, config.dataset(), config.shard()).run();
            System.out.println("[pipeline] 2/6 shard: wrote " + r.output() + " " + r.counts());
            r.warningLine().ifPresent(System.out::println);
        }
        ShardManifest shardManifest = Manifests.read(fs, shards, ShardManifest.class);
        InputRef shardsInput = new InputRef(shards.toString(), shardManifest.fingerprint());
        Path teacher = Storage.path(config.teacher().dir());
        if (config.teacher().isOnnx()) {
            System.out.println("[pipeline] 3/6 train-teacher: the teacher is the ONNX file "
                    + config.teacher().onnx().path());
        } else if (reusable(
                fs,
                teacher,
                TeacherManifest.class,
                DecidingSettings.teacher(config.resolvedConfig()),
                Map.of("shards", shardsInput),
                config.teacher().overwrite(),
                "3/6 train-teacher",
                "pass teacher.overwrite=true to retrain it")) {
            System.out.println("[pipeline] 3/6 train-teacher: reusing " + teacher);
        } else {
            System.out.println("[pipeline] 3/6 train-teacher (" + since(start) + " into the pipeline)");
            new TrainTeacherJob(spark, config, System.out).run();
        }
        System.out.println("[pipeline] 4/6 cache-teacher (" + since(start) + " into the pipeline)");
        CacheTeacherJob.Result cached = new CacheTeacherJob(spark, config, System.out).run();
        // The teacher's fingerprint as cache-teacher computed it: an ONNX teacher has no manifest of its own.
        InputRef teacherInput = new InputRef(
                config.teacher().isOnnx() ? config.teacher().onnx().path() : teacher.toString(), cached.fingerprint());
        List<String> runs = new ArrayList<>();
        List<Long> seeds = config.pipeline().seeds();
        int studentRuns = seeds.size() * config.pipeline().students().size();
        for (long seed : seeds) {
            List<PipelineSettings.StudentRun> students = config.pipeline().students();
            for (int i = 0; i < students.size(); i++) {
                String id = PipelineReport.runId(students.get(i).runId(), seed, seeds.size() > 1);
                String step = "5/6 distill " + (runs.size() + 1) + "/" + studentRuns + " " + id;
                // The run's own configuration (its id, terms and seed): what its config.conf records.
                Distill4jConfig c = config.forStudentRun(i, id, seed);
                Path dir = new Path(Storage.path(c.distill().runsDir()), id);
                runs.add(id);
                if (reusable(
                        fs,
                        dir,
                        RunManifest.class,
                        DecidingSettings.distill(c.resolvedConfig()),
                        Map.of("shards", shardsInput, "teacher", teacherInput),
                        false,
                        step,
                        "delete it to train it again")) {
                    System.out.println("[pipeline] " + step + ": reusing " + dir);
                    continue;
                }
                System.out.println("[pipeline] " + step + " (" + since(start) + " into the pipeline)");
                new DistillJob(spark, c, false, System.out).run();
            }
        }
        System.out.println("[pipeline] 6/6 evaluate (" + since(start) + " into the pipeline)");
        EvaluateJob eval = new EvaluateJob(spark, config, System.out);
        List<EvaluateJob.Evaluated> results = new ArrayList<>();
        EvaluateJob.Evaluated teacherEval = eval.evaluateTeacher();
        results.add(teacherEval);
        for (String run : runs) {
            results.add(
                    eval.evaluate(run, new Path(Storage.path(config.distill().runsDir()), run), teacherEval));
        }
        String table = PipelineReport.write(spark, config, results);
        System.out.printf(
                "%n[pipeline] done in %.1f min. Outputs under %s:%n",
                (System.nanoTime() - start) / 60e9, Storage.path(config.workDir()));
        System.out.println("  shards          " + shards);
        System.out.println("  teacher         " + teacher);
        System.out.println("  teacher cache   " + Storage.path(config.cache().output()));
        System.out.println("  student runs    " + Storage.path(config.distill().runsDir()));
        System.out.println();
        System.out.println(table);
        System.out.print(reportList(config, results));
        return 0;
    }

    /** The pages a user opens next, last on the console: the comparison and every model's report. */
    static String reportList(Distill4jConfig config, List<EvaluateJob.Evaluated> results) {
        StringBuilder b = new StringBuilder("Reports:\n");
        b.append(String.format(
                "  %-16s %s%n",
                "comparison", new Path(PipelineReport.location(config).getParent(), "comparison.html")));
        for (EvaluateJob.Evaluated e : results) {
            b.append(String.format("  %-16s %s%n", e.model(), new Path(e.reportDir(), "index.html")));
        }
        return b.toString();
    }

    private static String since(long startNanos) {
        long s = Math.round((System.nanoTime() - startNanos) / 1e9);
        return String.format("%d:%02d", s / 60, s % 60);
    }

    @Override
    protected String keptWhenInterrupted(Distill4jConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return "every complete stage output, committed cache file and training checkpoint under " + config.workDir()
                + " is kept; rerunning the same command resumes";
    }

    /**
     * Whether a complete output at {@code dir} can stand for this run's: it must record the same
     * deciding settings and inputs (Reuse). An output made otherwise stops the pipeline with one
     * line naming what differs, unless {@code overwrite} asks to replace it; no output means
     * "compute it".
     */
    private static boolean reusable(
            FileSystem fs,
            Path dir,
            Class<? extends StageManifest> type,
            StageSettings wanted,
            Map<String, InputRef> inputs,
            boolean overwrite,
            String step,
            String remedy)
            throws java.io.IOException {
        if (!Manifest.exists(fs, dir)) return false;
        Optional<String> whyNot = Reuse.whyNot(Manifests.read(fs, dir, type), wanted, inputs);
        if (whyNot.isEmpty()) return true;
        if (overwrite) {
            System.out.println("[pipeline] " + step + ": replacing " + dir + ": " + whyNot.get());
            return false;
        }
        throw new StageOutputException(
                "pipeline " + step + ": " + dir + " was made with other settings and cannot be reused: " + whyNot.get()
                        + "; " + remedy + ", or choose another work-dir");
    }
}
