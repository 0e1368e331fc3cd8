package io.distill4j.bench;

import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.Storage;
import io.distill4j.tensor.EncodedTensor;
import io.distill4j.tensor.TensorCodec;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.Examples;
import io.distill4j.train.Networks;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.util.NativeSetup;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The chain at Cityscapes scale (issue #19), as a user runs it: {@code conf/bench-cityscapes.conf}
 * generates synthetic street scenes at 1024x2048 in the Cityscapes layout, shards them at 512x1024,
 * trains the teacher, caches its stride-8 logits and distils the student, each stage as its own JVM
 * ({@code io.distill4j.cli.Main}, under {@code /usr/bin/time}), and prints per stage the wall time,
 * CPU seconds (user + system) and peak RSS. Then, in this JVM, on the stages' own output:
 * <ul>
 *   <li>bytes per image on disk: the shards, the cache as written, and the same logits re-encoded
 *       with every codec into Parquet files of the cache's layout and compression;</li>
 *   <li>the input side on one thread with ND4J on one thread (images per CPU second = per core,
 *       whatever else shares the machine; wall time beside it): Parquet read of shards and cache,
 *       codec decode, augmentation ({@link #AUGMENTATIONS}), example assembly and the merge into
 *       minibatches, against the student's distillation step on all cores.</li>
 * </ul>
 * {@code --skip-stages} measures only the second part, on a work directory an earlier run left.
 * The work directory must not exist or hold a previous run of this bench (it is replaced). Each
 * stage's JVM gets {@code -Xmx4g} ({@code -Dbench.stage-heap=-Xmx8g} to change it: JVM options
 * separated by spaces, e.g. {@code "-Xms4g -Xmx4g -XX:+AlwaysPreTouch"} to make the whole heap resident
 * from the start, so that peak RSS minus the heap is exactly what lies outside it); most of a DL4J
 * stage's resident memory is off-heap (ND4J, oneDNN), on top of that. {@code --stages-only} ends after
 * the stages' table (docs/performance.md section 15).
 * <pre>
 * mvn -B -o -q -DskipTests package
 * CP=target/test-classes:target/classes:$(cat target/classpath.txt)
 * OMP_WAIT_POLICY=PASSIVE java -Xmx4g $(cat target/classes/distill4j-jvm.options) -cp $CP \
 *     io.distill4j.bench.CityscapesBench --conf conf/bench-cityscapes.conf [key=value ...]
 * </pre>
 */
public final class CityscapesBench {
    /** The file that marks a work directory as this bench's, so a rerun may replace it. */
    private static final String MARKER = ".cityscapes-bench";

    private static final String[] CODECS = {"fp32", "fp16", "int8", "topk:4"};

    /**
     * Augmentations timed as part of the input side, in order, each its own row. Empty until the
     * training data pipeline augments; then add each step here (a function of one shard record).
     */
    static final Map<String, UnaryOperator<ShardRecord>> AUGMENTATIONS = new LinkedHashMap<>();

    private CityscapesBench() {}

    /** One stage's cost as /usr/bin/time saw its JVM. */
    record StageCost(String stage, double wallSeconds, double cpuSeconds, long peakRssKb) {}

    public static void main(String[] args) throws Exception {
        File conf = null;
        boolean runStages = true;
        boolean stagesOnly = false;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--conf")) conf = new File(args[++i]);
            else if (args[i].equals("--skip-stages")) runStages = false;
            else if (args[i].equals("--stages-only")) stagesOnly = true;
            else overrides.add(args[i]);
        }
        if (conf == null)
            throw new IllegalArgumentException(
                    "usage: CityscapesBench --conf conf/bench-cityscapes.conf [key=value ...]");
        Distill4jConfig config = ConfigLoader.load(conf, overrides);
        java.nio.file.Path work = java.nio.file.Path.of(config.workDir());
        System.out.println("load average at start: " + StudentStepBench.loadAverage());
        List<StageCost> costs = new ArrayList<>();
        if (runStages) {
            claimWorkDir(work);
            for (String stage : List.of("generate-sample", "shard", "train-teacher", "cache-teacher", "distill")) {
                costs.add(runStage(stage, conf, overrides, work));
                System.out.println(costs.get(costs.size() - 1));
            }
        }
        System.out.println("load average after the stages: " + StudentStepBench.loadAverage());
        if (stagesOnly) return;

        NativeSetup.init();
        Configuration hadoop = new Configuration();
        FileSystem fs = FileSystem.getLocal(hadoop);
        Path shardsRoot = Storage.path(config.shard().output());
        List<Path> shardFiles = ShardFiles.list(fs, shardsRoot, "train");
        List<Path> cacheFiles = cacheFiles(fs, Storage.path(config.cache().output()), "train");
        int h = config.shard().height();
        int w = config.shard().width();
        int batch = config.train().batchSizePerWorker();
        ModelBlueprint student = Networks.student(config, h, w);
        ModelBlueprint teacher = Networks.teacher(config, h, w);
        SegmentationObjective objective = SegmentationObjective.of(
                student, teacher.taps(), config.distill().terms());

        long images = shardFiles.stream()
                .mapToLong(f -> ShardFiles.read(hadoop, f).size())
                .sum();
        Map<String, Double> bytesPerImage = new LinkedHashMap<>();
        bytesPerImage.put(
                "shards (uint8 CHW image + label, " + config.shard().compression() + ")",
                (double) size(fs, shardFiles) / images);
        bytesPerImage.put(
                "cache as written (" + config.cache().outputs() + ", "
                        + config.cache().compression() + ")",
                (double) size(fs, cacheFiles) / images);
        bytesPerImage.putAll(reencoded(
                fs, hadoop, cacheFiles, work.resolve("codecs"), config.cache().compression(), images));

        // One core's worth: ND4J's ops (the merge's concatenations) on this thread only, so its CPU
        // time is all of the input side's work; CPU seconds do not depend on what else shares the cores.
        NativeSetup.setThreads(1);
        inputPass(hadoop, shardFiles, cacheFiles, objective, batch);
        Map<String, double[]> input = inputPass(hadoop, shardFiles, cacheFiles, objective, batch);
        NativeSetup.setThreads(Runtime.getRuntime().availableProcessors());
        double inputSeconds = input.values().stream().mapToDouble(t -> t[0]).sum();
        double inputCpu = input.values().stream().mapToDouble(t -> t[1]).sum();
        double studentRate = studentRate(hadoop, shardFiles, cacheFiles, objective, batch);

        System.out.println("load average at end: " + StudentStepBench.loadAverage());
        System.out.printf(
                Locale.ROOT,
                "%s: %d training images at %dx%d, batch %d, %d cores%n",
                conf,
                images,
                h,
                w,
                batch,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-16s %10s %10s %12s%n", "stage", "wall s", "CPU s", "peak RSS MB");
        for (StageCost c : costs) {
            System.out.printf(
                    Locale.ROOT,
                    "%-16s %10.1f %10.1f %12d%n",
                    c.stage(),
                    c.wallSeconds(),
                    c.cpuSeconds(),
                    c.peakRssKb() / 1024);
        }
        System.out.printf(Locale.ROOT, "%-60s %14s%n", "bytes per training image on disk", "bytes");
        bytesPerImage.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-60s %,14.0f%n", k, v));
        System.out.printf(
                Locale.ROOT,
                "%-44s %9s %9s %12s %12s%n",
                "input side, one thread",
                "wall s",
                "CPU s",
                "images/s",
                "images/CPU-s");
        input.forEach((k, v) -> System.out.printf(
                Locale.ROOT, "%-44s %9.3f %9.3f %12.1f %12.1f%n", k, v[0], v[1], images / v[0], images / v[1]));
        System.out.printf(
                Locale.ROOT,
                "%-44s %9.3f %9.3f %12.1f %12.1f%n",
                "input total",
                inputSeconds,
                inputCpu,
                images / inputSeconds,
                images / inputCpu);
        System.out.printf(
                Locale.ROOT,
                "%-44s %9s %9s %12.2f  (%d threads)%n",
                "student distillation step",
                "",
                "",
                studentRate,
                NativeSetup.status().threads());
        System.out.printf(
                Locale.ROOT,
                "one input core (images per CPU second) feeds %.1fx the student's pace on all cores%n",
                images / inputCpu / studentRate);
    }

    /** Refuses a work directory that is not this bench's own; clears a previous run of it. */
    private static void claimWorkDir(java.nio.file.Path work) throws java.io.IOException {
        if (Files.exists(work)) {
            if (!Files.exists(work.resolve(MARKER))) {
                throw new IllegalStateException("work-dir " + work + " exists and is not this bench's (no " + MARKER
                        + "): pick another work-dir=...");
            }
            org.apache.commons.io.FileUtils.deleteDirectory(work.toFile());
        }
        Files.createDirectories(work);
        Files.writeString(work.resolve(MARKER), "written by io.distill4j.bench.CityscapesBench\n");
    }

    /** Runs one stage in its own JVM under /usr/bin/time; its console goes to logs/STAGE.log. */
    private static StageCost runStage(String stage, File conf, List<String> overrides, java.nio.file.Path work)
            throws Exception {
        java.nio.file.Path logs = Files.createDirectories(work.resolve("logs"));
        java.nio.file.Path timeFile = logs.resolve(stage + ".time");
        List<String> cmd = new ArrayList<>(List.of(
                "/usr/bin/time",
                "-o",
                timeFile.toString(),
                "-f",
                "%e %U %S %M",
                ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(Arrays.asList(
                System.getProperty("bench.stage-heap", "-Xmx4g").trim().split("\\s+")));
        cmd.addAll(Arrays.asList(Files.readString(java.nio.file.Path.of("target/classes/distill4j-jvm.options"))
                .trim()
                .split("\\s+")));
        cmd.addAll(List.of(
                "-Djava.awt.headless=true",
                "-cp",
                System.getProperty("java.class.path"),
                "io.distill4j.cli.Main",
                stage,
                "--conf",
                conf.getPath()));
        cmd.addAll(overrides);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(stage + ".log").toFile());
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        int rc = pb.start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException(
                    "stage " + stage + " failed (exit " + rc + "); see " + logs.resolve(stage + ".log"));
        }
        String[] t = Files.readString(timeFile, StandardCharsets.UTF_8)
                .trim()
                .lines()
                .reduce((a, b) -> b)
                .orElseThrow()
                .split(" ");
        return new StageCost(
                stage,
                Double.parseDouble(t[0]),
                Double.parseDouble(t[1]) + Double.parseDouble(t[2]),
                Long.parseLong(t[3]));
    }

    /** The Parquet files of one split in every teacher's cache under {@code root}. */
    private static List<Path> cacheFiles(FileSystem fs, Path root, String split) throws java.io.IOException {
        List<Path> out = new ArrayList<>();
        for (FileStatus teacher : fs.listStatus(root)) {
            Path dir = new Path(teacher.getPath(), split);
            if (!teacher.isDirectory() || !fs.exists(dir)) continue;
            for (FileStatus f : fs.listStatus(dir)) {
                if (f.getPath().getName().endsWith(".parquet")) out.add(f.getPath());
            }
        }
        if (out.isEmpty()) throw new IllegalStateException("no cache files for split " + split + " under " + root);
        return out;
    }

    private static long size(FileSystem fs, List<Path> files) throws java.io.IOException {
        long total = 0;
        for (Path f : files) total += fs.getFileStatus(f).getLen();
        return total;
    }

    /** The cached tensors decoded and written again with each codec: bytes per image on disk. */
    private static Map<String, Double> reencoded(
            FileSystem fs,
            Configuration hadoop,
            List<Path> cacheFiles,
            java.nio.file.Path dir,
            String compression,
            long images)
            throws java.io.IOException {
        List<CacheRow> rows = new ArrayList<>();
        for (Path f : cacheFiles) rows.addAll(CacheParquet.read(hadoop, f));
        Map<String, Double> out = new LinkedHashMap<>();
        for (String spec : CODECS) {
            TensorCodec codec = TensorCodecs.forSpec(spec);
            List<CacheRow> encoded = new ArrayList<>(rows.size());
            for (CacheRow r : rows) {
                EncodedTensor t = r.tensor();
                float[] values = TensorCodecs.forSpec(t.codec()).decode(t);
                encoded.add(new CacheRow(r.sampleId(), r.output(), r.view(), codec.encode(values, t.shape())));
            }
            Path file =
                    new Path(dir.resolve(spec.replace(':', '-') + ".parquet").toUri());
            CacheParquet.writeAtomically(
                    fs, hadoop, file, encoded, CompressionCodecName.fromConf(compression.toUpperCase(Locale.ROOT)));
            out.put(
                    "cache re-encoded " + spec + " ("
                            + Arrays.stream(rows.get(0).tensor().shape())
                                    .mapToObj(String::valueOf)
                                    .collect(java.util.stream.Collectors.joining("x"))
                            + ", " + compression + ")",
                    (double) fs.getFileStatus(file).getLen() / images);
        }
        return out;
    }

    /** {wall, CPU} seconds of each input step over every training image, on this one thread. */
    private static Map<String, double[]> inputPass(
            Configuration hadoop,
            List<Path> shardFiles,
            List<Path> cacheFiles,
            SegmentationObjective objective,
            int batch) {
        Map<String, double[]> t = new LinkedHashMap<>();
        Clock clock = new Clock();
        List<ShardRecord> records = new ArrayList<>();
        for (Path f : shardFiles) records.addAll(ShardFiles.read(hadoop, f));
        List<CacheRow> rows = new ArrayList<>();
        for (Path f : cacheFiles) rows.addAll(CacheParquet.read(hadoop, f));
        t.put("Parquet read (shards + cache)", clock.lap());
        Map<String, float[]> logits = new HashMap<>();
        for (CacheRow r : rows)
            logits.put(r.sampleId(), TensorCodecs.forSpec(r.tensor().codec()).decode(r.tensor()));
        t.put("codec decode", clock.lap());
        for (Map.Entry<String, UnaryOperator<ShardRecord>> a : AUGMENTATIONS.entrySet()) {
            records.replaceAll(a.getValue());
            t.put("augmentation: " + a.getKey(), clock.lap());
        }
        List<MultiDataSet> examples = new ArrayList<>(records.size());
        for (ShardRecord r : records)
            examples.add(Examples.build(r, objective, Map.of("logits", logits.get(r.sampleId()))));
        t.put("Examples.build", clock.lap());
        merge(examples, batch);
        t.put("merge into batches of " + batch, clock.lap());
        return t;
    }

    /** Wall and this thread's CPU time since the last lap. */
    private static final class Clock {
        private final java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        private long wall = System.nanoTime();
        private long cpu = threads.getCurrentThreadCpuTime();

        double[] lap() {
            long w = System.nanoTime();
            long c = threads.getCurrentThreadCpuTime();
            double[] out = {(w - wall) / 1e9, (c - cpu) / 1e9};
            wall = w;
            cpu = c;
            return out;
        }
    }

    private static List<MultiDataSet> merge(List<MultiDataSet> examples, int batch) {
        List<MultiDataSet> out = new ArrayList<>();
        for (int i = 0; i + batch <= examples.size(); i += batch) {
            out.add(org.nd4j.linalg.dataset.MultiDataSet.merge(examples.subList(i, i + batch)));
        }
        return out;
    }

    /** Images per second of the student's distillation step on all cores, median of the batches. */
    private static double studentRate(
            Configuration hadoop,
            List<Path> shardFiles,
            List<Path> cacheFiles,
            SegmentationObjective objective,
            int batch) {
        List<ShardRecord> records = new ArrayList<>();
        for (Path f : shardFiles) records.addAll(ShardFiles.read(hadoop, f));
        Map<String, float[]> logits = new HashMap<>();
        for (Path f : cacheFiles) {
            for (CacheRow r : CacheParquet.read(hadoop, f))
                logits.put(
                        r.sampleId(), TensorCodecs.forSpec(r.tensor().codec()).decode(r.tensor()));
        }
        List<MultiDataSet> examples = new ArrayList<>();
        for (ShardRecord r : records)
            examples.add(Examples.build(r, objective, Map.of("logits", logits.get(r.sampleId()))));
        List<MultiDataSet> batches = merge(examples, batch);
        ComputationGraph net = new ComputationGraph(objective.configuration());
        net.init();
        objective.initialize(net);
        net.fit(batches.get(0));
        int reps = Math.min(5, batches.size());
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            net.fit(batches.get(i));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return batch / (ModelBench.median(ms) / 1e3);
    }
}
