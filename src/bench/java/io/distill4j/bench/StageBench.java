package io.distill4j.bench;

import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.cache.ModelFiles;
import io.distill4j.cache.TeacherInference;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.jobs.DistillJob;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.Storage;
import io.distill4j.tensor.TensorCodec;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.Examples;
import io.distill4j.train.Networks;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.util.NativeSetup;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Measures, in one run on the outputs of a finished sample pipeline:
 * <ol>
 *   <li>cache-teacher's per-shard work (inference + codec encode + Parquet write) against bare
 *       teacher inference on the same samples: the cache's write overhead;</li>
 *   <li>a distill epoch with the cached teacher against the same epoch with the teacher run online
 *       inside the data pipeline;</li>
 *   <li>Spark training throughput on the configured master against single-process
 *       {@code ComputationGraph.fit} over the same examples and minibatch size.</li>
 * </ol>
 * Run after {@code jobs/pipeline.sh} (it reads {@code work/}):
 * <pre>
 * java -Xmx6g $(cat target/classes/distill4j-jvm.options) -cp target/classes:$(cat target/classpath.txt) \
 *     io.distill4j.bench.StageBench --conf conf/sample-local.conf [key=value ...]
 * </pre>
 */
public final class StageBench {
    private StageBench() {}

    public static void main(String[] args) throws Exception {
        File conf = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--conf")) conf = new File(args[++i]);
            else overrides.add(args[i]);
        }
        overrides.add("train.epochs=2");
        Distill4jConfig config = ConfigLoader.load(conf, overrides);
        System.out.println(NativeSetup.init());
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        cacheOverhead(config);
        SparkSession spark = SparkSessions.start(config);
        try {
            String kd = "[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1.0, tau=4.0}]";
            double cached = distillEpoch(spark, config, "bench-cached", "cached", kd, quiet);
            double online = distillEpoch(spark, config, "bench-online", "online", kd, quiet);
            System.out.printf(
                    "distill epoch (pixel KD, %d epochs averaged): cached teacher %.2f s, online teacher %.2f s, "
                            + "online/cached = %.2fx%n",
                    config.train().epochs(), cached, online, online / cached);
            sparkVersusLocal(spark, config, quiet);
        } finally {
            spark.stop();
        }
    }

    private static void cacheOverhead(Distill4jConfig config) throws Exception {
        Configuration hadoop = new Configuration();
        Path shards = Storage.path(config.shard().output());
        FileSystem fs = Storage.fs(shards, hadoop);
        List<ShardRecord> samples = new ArrayList<>();
        for (Path f : ShardFiles.list(fs, shards, "train")) samples.addAll(ShardFiles.read(hadoop, f));
        Path teacherFile = new Path(Storage.path(config.teacher().dir()), "teacher.zip");
        ComputationGraph teacher = ModelFiles.read(Storage.fs(teacherFile, hadoop), teacherFile, false);
        io.distill4j.model.TapInfo tap = Networks.teacher(
                        config, samples.get(0).height(), samples.get(0).width())
                .tap("logits");
        String logits = tap.vertexName();
        int[] shape = {tap.channels(), tap.height(), tap.width()};
        int batch = config.cache().batchSize();
        for (int warm = 0; warm < 2; warm++) TeacherInference.run(teacher, samples, List.of(logits), batch);
        java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("cache-bench");
        FileSystem local = FileSystem.getLocal(hadoop);
        for (String codec : List.of("fp32", "fp16", "int8", "topk:4")) {
            TensorCodec c = TensorCodecs.forSpec(codec);
            double bare = 0;
            double full = 0;
            long bytes = 0;
            // Bare and full passes alternate, so drift of the machine hits both alike.
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                TeacherInference.run(teacher, samples, List.of(logits), batch);
                long t1 = System.nanoTime();
                List<Map<String, float[]>> values = TeacherInference.run(teacher, samples, List.of(logits), batch);
                List<CacheRow> rows = new ArrayList<>();
                for (int i = 0; i < samples.size(); i++) {
                    rows.add(new CacheRow(
                            samples.get(i).sampleId(),
                            "logits",
                            "bench",
                            c.encode(values.get(i).get(logits), shape)));
                }
                Path out = new Path(tmp.toUri().toString(), "rep" + rep + "-" + codec.replace(':', '_') + ".parquet");
                CacheParquet.writeAtomically(local, hadoop, out, rows, CompressionCodecName.ZSTD);
                long t2 = System.nanoTime();
                bare += (t1 - t0) / 1e9;
                full += (t2 - t1) / 1e9;
                bytes = local.getFileStatus(out).getLen();
            }
            bare /= 3;
            full /= 3;
            System.out.printf(
                    "cache-teacher %-7s %d samples: bare inference %.2f s (%.1f img/s), inference+encode+Parquet %.2f s "
                            + "(%.1f img/s), overhead %.1f%%, %d bytes/sample on disk%n",
                    codec,
                    samples.size(),
                    bare,
                    samples.size() / bare,
                    full,
                    samples.size() / full,
                    100 * (full - bare) / bare,
                    bytes / samples.size());
        }
        org.apache.commons.io.FileUtils.deleteQuietly(tmp.toFile());
    }

    private static double distillEpoch(
            SparkSession spark, Distill4jConfig base, String id, String mode, String terms, PrintStream quiet)
            throws Exception {
        Distill4jConfig run = base.withDistill(base.distill()
                .withRun(
                        id,
                        ConfigLoader.load(null, List.of("distill.terms=" + terms))
                                .distill()
                                .terms()));
        run = mode.equals("online") ? withOnline(run) : run;
        DistillJob.Result r = new DistillJob(spark, run, true, quiet).run();
        return r.secondsPerEpoch();
    }

    private static Distill4jConfig withOnline(Distill4jConfig c) {
        var d = c.distill();
        return c.withDistill(new io.distill4j.config.DistillSettings(
                d.runsDir(), d.runId(), true, d.skipMissingTeacher(), false, d.terms()));
    }

    private static void sparkVersusLocal(SparkSession spark, Distill4jConfig config, PrintStream quiet)
            throws Exception {
        Configuration hadoop = new Configuration();
        Path shards = Storage.path(config.shard().output());
        List<ShardRecord> samples = new ArrayList<>();
        for (Path f : ShardFiles.list(Storage.fs(shards, hadoop), shards, "train"))
            samples.addAll(ShardFiles.read(hadoop, f));
        SegmentationObjective objective = SegmentationObjective.of(
                Networks.student(config, samples.get(0).height(), samples.get(0).width()), Map.of(), List.of());
        List<MultiDataSet> examples = samples.stream()
                .map(r -> Examples.build(r, objective, Map.of()))
                .toList();
        ComputationGraph net = new ComputationGraph(objective.configuration());
        net.init();
        int b = config.train().batchSizePerWorker();
        long start = System.nanoTime();
        int epochs = config.train().epochs();
        for (int e = 0; e < epochs; e++) {
            for (int i = 0; i + b <= examples.size(); i += b) {
                net.fit(org.nd4j.linalg.dataset.MultiDataSet.merge(examples.subList(i, i + b)));
            }
        }
        double local = (System.nanoTime() - start) / 1e9 / epochs;
        double sparkEpoch = distillEpoch(spark, config, "bench-baseline", "cached", "[]", quiet);
        System.out.printf(
                "baseline student epoch (%d samples, batch %d): Spark %s %.2f s (%.1f img/s), single-process fit "
                        + "%.2f s (%.1f img/s), Spark/single = %.2fx%n",
                samples.size(),
                b,
                spark.sparkContext().master(),
                sparkEpoch,
                samples.size() / sparkEpoch,
                local,
                samples.size() / local,
                sparkEpoch / local);
    }
}
