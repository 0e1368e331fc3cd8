package io.distill4j.bench;

import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.jobs.ShardSchema;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.TapInfo;
import io.distill4j.storage.ShardFiles;
import io.distill4j.tensor.TensorCodec;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.Examples;
import io.distill4j.train.Networks;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.util.NativeSetup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Is the input side fast enough to feed the student? Measures, in one run and in samples/s, the
 * distill job's per-sample input work against the student's train step on the same batch shape:
 * <ol>
 *   <li>Parquet read of the shard files ({@link ShardFiles}) and of the teacher cache
 *       ({@link CacheParquet}), with the configured compression;</li>
 *   <li>codec decode of the cached teacher logits (configured codec, fp16 by default);</li>
 *   <li>{@link Examples#build} (normalisation, label grid, KD target rows) and the merge of
 *       single examples into minibatches that DL4J's Spark workers do;</li>
 *   <li>the same shards read by Spark SQL on the embedded master and turned into examples
 *       (the baseline path of the distill job, no join);</li>
 *   <li>the student's train step (student + pixel KD on the cached logits) at the configured
 *       batch size, with ND4J on all processors.</li>
 * </ol>
 * The input is synthetic (random pixels and labels) at the configured shard size, written by
 * Spark in the shard layout; only sizes matter to these costs.
 * <pre>
 * java -cp target/classes:$(cat target/classpath.txt) io.distill4j.bench.InputBench [samples] [key=value ...]
 * </pre>
 */
public final class InputBench {
    private InputBench() {}

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        List<String> overrides = new ArrayList<>(List.of("spark.master=\"local[1]\""));
        overrides.addAll(Arrays.asList(args).subList(Math.min(1, args.length), args.length));
        overrides.add(
                "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1.0, tau=4.0}]");
        Distill4jConfig config = ConfigLoader.load(null, overrides);
        System.out.println(NativeSetup.init());
        int h = config.shard().height();
        int w = config.shard().width();
        int batch = config.train().batchSizePerWorker();
        ModelBlueprint student = Networks.student(config, h, w);
        TapInfo teacherLogits = Networks.teacher(config, h, w).tap("logits");
        SegmentationObjective objective = SegmentationObjective.of(
                student, Map.of("logits", teacherLogits), config.distill().terms());
        String codecSpec = config.cache().outputs().get(0).codec();
        TensorCodec codec = TensorCodecs.forSpec(codecSpec);

        java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("input-bench");
        Configuration hadoop = new Configuration();
        FileSystem local = FileSystem.getLocal(hadoop);
        Path shardsRoot = new Path(tmp.toUri().toString(), "shards");
        Path cacheFile = new Path(tmp.toUri().toString(), "cache/part-00000.parquet");
        SparkSession spark = SparkSessions.start(config);
        try {
            List<ShardRecord> records = synthetic(samples, h, w);
            spark.createDataFrame(records.stream().map(ShardSchema::toRow).toList(), ShardSchema.SCHEMA)
                    .repartition(config.shard().numShards())
                    .write()
                    .option("compression", config.shard().compression())
                    .parquet(new Path(shardsRoot, "train").toString());
            int[] shape = {teacherLogits.channels(), teacherLogits.height(), teacherLogits.width()};
            Random rnd = new Random(1);
            List<CacheRow> rows = new ArrayList<>();
            for (ShardRecord r : records) {
                float[] logits = new float[teacherLogits.flatSize()];
                for (int i = 0; i < logits.length; i++) logits[i] = (float) rnd.nextGaussian() * 3;
                rows.add(new CacheRow(r.sampleId(), "logits", "identity", codec.encode(logits, shape)));
            }
            CacheParquet.writeAtomically(
                    local,
                    hadoop,
                    cacheFile,
                    rows,
                    CompressionCodecName.fromConf(config.cache().compression().toUpperCase(java.util.Locale.ROOT)));

            System.out.printf(
                    "%d samples %dx%d, shards %s x%d, cache %s %s, batch %d, student %s%n",
                    samples,
                    h,
                    w,
                    config.shard().compression(),
                    config.shard().numShards(),
                    codecSpec,
                    config.cache().compression(),
                    batch,
                    student.describe());
            for (int warm = 0; warm < 2; warm++) inputPass(hadoop, local, shardsRoot, cacheFile, objective, batch);
            double[] t = inputPass(hadoop, local, shardsRoot, cacheFile, objective, batch);
            double input = t[0] + t[1] + t[2] + t[3];
            double sparkSeconds = sparkBaselineRead(spark, shardsRoot, objective);
            double trainRate = trainRate(objective, hadoop, local, shardsRoot, cacheFile, batch);
            System.out.printf("%-44s %10s %12s%n", "stage", "seconds", "samples/s");
            String[] names = {
                "Parquet read (shards + cache)",
                "codec decode (" + codecSpec + ")",
                "Examples.build",
                "merge into batches of " + batch
            };
            for (int i = 0; i < 4; i++) System.out.printf("%-44s %10.3f %12.0f%n", names[i], t[i], samples / t[i]);
            System.out.printf("%-44s %10.3f %12.0f%n", "input total (one thread)", input, samples / input);
            System.out.printf(
                    "%-44s %10.3f %12.0f%n",
                    "Spark SQL shard read + build (local[1])", sparkSeconds, samples / sparkSeconds);
            System.out.printf(
                    "%-44s %10s %12.1f%n",
                    "student train step (" + NativeSetup.status().threads() + " threads)", "", trainRate);
            System.out.printf(
                    "input / train = %.1fx (above 1: the input side outruns training)%n", samples / input / trainRate);
        } finally {
            spark.stop();
            org.apache.commons.io.FileUtils.deleteQuietly(tmp.toFile());
        }
    }

    /** Seconds for {read, decode, build, merge} over every sample. */
    private static double[] inputPass(
            Configuration hadoop,
            FileSystem fs,
            Path shardsRoot,
            Path cacheFile,
            SegmentationObjective objective,
            int batch) {
        long t0 = System.nanoTime();
        List<ShardRecord> records = new ArrayList<>();
        for (Path f : ShardFiles.list(fs, shardsRoot, "train")) records.addAll(ShardFiles.read(hadoop, f));
        List<CacheRow> rows = CacheParquet.read(hadoop, cacheFile);
        long t1 = System.nanoTime();
        Map<String, float[]> logits = new HashMap<>();
        for (CacheRow r : rows)
            logits.put(r.sampleId(), TensorCodecs.forSpec(r.tensor().codec()).decode(r.tensor()));
        long t2 = System.nanoTime();
        List<MultiDataSet> examples = new ArrayList<>(records.size());
        for (ShardRecord r : records)
            examples.add(Examples.build(r, objective, Map.of("logits", logits.get(r.sampleId()))));
        long t3 = System.nanoTime();
        merge(examples, batch);
        long t4 = System.nanoTime();
        return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9};
    }

    private static List<MultiDataSet> merge(List<MultiDataSet> examples, int batch) {
        List<MultiDataSet> out = new ArrayList<>();
        for (int i = 0; i + batch <= examples.size(); i += batch) {
            out.add(org.nd4j.linalg.dataset.MultiDataSet.merge(examples.subList(i, i + batch)));
        }
        return out;
    }

    private static double sparkBaselineRead(SparkSession spark, Path shardsRoot, SegmentationObjective objective) {
        String dir = new Path(shardsRoot, "train").toString();
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            long n = spark.read()
                    .parquet(dir)
                    .javaRDD()
                    .map((Row row) -> Examples.build(
                            ShardSchema.fromRow(row),
                            objective,
                            Map.of(
                                    "logits",
                                    new float
                                            [objective
                                                    .terms()
                                                    .get(0)
                                                    .teacherTap()
                                                    .flatSize()])))
                    .count();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            if (n == 0) throw new IllegalStateException("no shard rows read back from " + dir);
        }
        return best;
    }

    /** Samples per second of the student's train step, median of the timed steps. */
    private static double trainRate(
            SegmentationObjective objective,
            Configuration hadoop,
            FileSystem fs,
            Path shardsRoot,
            Path cacheFile,
            int batch) {
        List<ShardRecord> records =
                ShardFiles.read(hadoop, ShardFiles.list(fs, shardsRoot, "train").get(0));
        Map<String, float[]> logits = new HashMap<>();
        for (CacheRow r : CacheParquet.read(hadoop, cacheFile)) {
            logits.put(r.sampleId(), TensorCodecs.forSpec(r.tensor().codec()).decode(r.tensor()));
        }
        List<MultiDataSet> examples = new ArrayList<>();
        for (ShardRecord r : records)
            examples.add(Examples.build(r, objective, Map.of("logits", logits.get(r.sampleId()))));
        List<MultiDataSet> batches = merge(examples, batch);
        ComputationGraph net = new ComputationGraph(objective.configuration());
        net.init();
        objective.initialize(net);
        int reps = Math.min(8, batches.size());
        for (int i = 0; i < 2; i++) net.fit(batches.get(i % batches.size()));
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            net.fit(batches.get(i));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return batch / (ms[reps / 2] / 1e3);
    }

    /** Random pixels; labels of random classes with about 5 % ignore (255). */
    static List<ShardRecord> synthetic(int n, int h, int w) {
        Random rnd = new Random(7);
        List<ShardRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] image = new byte[3 * h * w];
            rnd.nextBytes(image);
            byte[] label = new byte[h * w];
            for (int p = 0; p < label.length; p++) label[p] = (byte) (rnd.nextInt(20) == 0 ? 255 : rnd.nextInt(19));
            out.add(new ShardRecord(
                    String.format("bench/train/%06d", i),
                    "cityscapes",
                    "train",
                    h,
                    w,
                    h,
                    w,
                    image,
                    new SegmentationLabels(label),
                    "synthetic://" + i));
        }
        return out;
    }
}
