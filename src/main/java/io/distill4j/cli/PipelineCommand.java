package io.distill4j.cli;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.PipelineSettings;
import io.distill4j.jobs.CacheTeacherJob;
import io.distill4j.jobs.DistillJob;
import io.distill4j.jobs.EvaluateJob;
import io.distill4j.jobs.PipelineReport;
import io.distill4j.jobs.ShardJob;
import io.distill4j.jobs.TrainTeacherJob;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.Storage;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code pipeline}: the whole chain in one Spark session: generate-sample -> shard -> train-teacher
 * -> cache-teacher -> distill (each student run of distill4j.pipeline.students) -> evaluate.
 * Every stage whose output is already complete is reused, so a rerun after a crash picks up where
 * it stopped.
 */
final class PipelineCommand extends StageCommand {
    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public String summary() {
        return "run every stage in order, reusing complete outputs; ends with the comparison table";
    }

    @Override
    public String usage() {
        return usageWith("", """
                Runs generate-sample (when distill4j.dataset.root is the sample and is missing), shard, train-teacher,
                cache-teacher, distill for each run of distill4j.pipeline.students, and evaluate. Complete outputs
                from earlier runs are reused; interrupted ones resume.""");
    }

    @Override
    protected int run(SparkSession spark, Distill4jConfig config, CommandLine cl) throws Exception {
        long start = System.nanoTime();
        FileSystem fs = Storage.fs(Storage.path(config.workDir()), spark.sparkContext().hadoopConfiguration());
        if (Storage.path(config.dataset().root()).toString().startsWith(Storage.path(config.sample().output()).toString())) {
            System.out.println("[pipeline] 1/6 generate-sample: "
                    + GenerateSampleCommand.generate(config.sample(), config.hadoop(), false).message());
        }
        Path shards = Storage.path(config.shard().output());
        if (Manifest.exists(fs, shards)) {
            System.out.println("[pipeline] 2/6 shard: reusing " + shards);
        } else {
            ShardJob.Result r = new ShardJob(spark, config.dataset(), config.shard()).run();
            System.out.println("[pipeline] 2/6 shard: wrote " + r.output() + " " + r.counts());
        }
        Path teacher = Storage.path(config.teacher().dir());
        if (config.teacher().isOnnx()) {
            System.out.println("[pipeline] 3/6 train-teacher: the teacher is the ONNX file " + config.teacher().onnx().path());
        } else if (Manifest.exists(fs, teacher)) {
            System.out.println("[pipeline] 3/6 train-teacher: reusing " + teacher);
        } else {
            System.out.println("[pipeline] 3/6 train-teacher");
            new TrainTeacherJob(spark, config, System.out).run();
        }
        System.out.println("[pipeline] 4/6 cache-teacher");
        new CacheTeacherJob(spark, config, System.out).run();
        List<String> runs = new ArrayList<>();
        List<Long> seeds = config.pipeline().seeds();
        for (long seed : seeds) {
            for (PipelineSettings.StudentRun s : config.pipeline().students()) {
                String id = PipelineReport.runId(s.runId(), seed, seeds.size() > 1);
                Distill4jConfig c = config.withDistill(config.distill().withRun(id, s.terms()))
                        .withTrain(config.train().withSeed(seed));
                Path dir = new Path(Storage.path(c.distill().runsDir()), id);
                runs.add(id);
                if (Manifest.exists(fs, dir)) {
                    System.out.println("[pipeline] 5/6 distill " + id + ": reusing " + dir);
                    continue;
                }
                System.out.println("[pipeline] 5/6 distill " + id);
                new DistillJob(spark, c, false, System.out).run();
            }
        }
        System.out.println("[pipeline] 6/6 evaluate");
        EvaluateJob eval = new EvaluateJob(spark, config, System.out);
        List<EvaluateJob.Evaluated> results = new ArrayList<>();
        EvaluateJob.Evaluated teacherEval = eval.evaluateTeacher();
        results.add(teacherEval);
        for (String run : runs) {
            results.add(eval.evaluate(run, new Path(Storage.path(config.distill().runsDir()), run), teacherEval));
        }
        String table = PipelineReport.write(spark, config, results);
        System.out.printf("%n[pipeline] done in %.1f min. Outputs under %s:%n", (System.nanoTime() - start) / 60e9,
                Storage.path(config.workDir()));
        System.out.println("  shards          " + shards);
        System.out.println("  teacher         " + teacher);
        System.out.println("  teacher cache   " + Storage.path(config.cache().output()));
        System.out.println("  student runs    " + Storage.path(config.distill().runsDir()));
        System.out.println("  comparison      " + PipelineReport.location(config));
        System.out.println();
        System.out.println(table);
        return 0;
    }
}
