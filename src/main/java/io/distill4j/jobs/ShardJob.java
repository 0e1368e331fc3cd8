package io.distill4j.jobs;

import io.distill4j.config.DatasetSettings;
import io.distill4j.config.ShardSettings;
import io.distill4j.data.BadSampleException;
import io.distill4j.data.DatasetClass;
import io.distill4j.data.DatasetFormat;
import io.distill4j.data.SampleDecoder;
import io.distill4j.data.SampleWarning;
import io.distill4j.data.ShardFingerprint;
import io.distill4j.data.ShardFooter;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.SourceSample;
import io.distill4j.data.formats.DatasetFormats;
import io.distill4j.manifest.DecidingSettings;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.ShardManifest;
import io.distill4j.storage.AtomicOutput;
import io.distill4j.storage.HadoopConf;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.OutputPlacement;
import io.distill4j.storage.ParquetFooters;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * SHARD: source dataset -> Parquet training shards, one row per sample.
 *
 * <p>The driver lists samples (Cityscapes directory walk, or one streaming pass over the COCO
 * annotation JSON); executors read, decode and resize them. {@code shard.num-shards} sets both
 * the number of Parquet files per split and the decode parallelism: samples are split into
 * contiguous sorted ranges, so reruns produce the same files. Nothing is shuffled. The output is
 * written to a temporary sibling and committed with {@code _manifest.json} (counts per split,
 * class histogram, skipped samples, source, configuration, provenance). Each task hashes the rows
 * it decodes; the driver combines the hashes in file order into the shards' content fingerprint
 * ({@link ShardFingerprint}), which ties every later stage's output to these exact images.
 */
public final class ShardJob {
    /** The configuration key naming this stage's input. */
    public static final String DATASET_KEY = "distill4j.dataset.root";

    private final SparkSession spark;
    private final DatasetSettings dataset;
    private final ShardSettings settings;

    public ShardJob(SparkSession spark, DatasetSettings dataset, ShardSettings settings) {
        this.spark = spark;
        this.dataset = dataset;
        this.settings = settings;
    }

    /** What a shard run did: per split counts and the samples it skipped. */
    public record Result(String output, Map<String, Long> counts, List<Skipped> skipped, List<SampleWarning> warnings) {
        /** The console line for the warnings (empty when there are none): their count and where they are listed. */
        public java.util.Optional<String> warningLine() {
            if (warnings.isEmpty()) return java.util.Optional.empty();
            return java.util.Optional.of("[shard] warning: " + warnings.size()
                    + (warnings.size() == 1 ? " sample looks" : " samples look")
                    + " wrong but was sharded (first: " + warnings.get(0).sampleId() + ": "
                    + warnings.get(0).detail()
                    + "); all are listed under \"warnings\" in " + output + "/" + Manifest.FILE_NAME);
        }
    }

    /** A sample left out under {@code on-bad-sample = skip}, with the file and the reason. */
    public record Skipped(String sampleId, String file, String reason) implements Serializable {}

    /** The outcome of decoding one sample: a record or the reason it is bad. */
    private record Outcome(ShardRecord record, byte[] digest, Skipped bad, List<SampleWarning> warnings)
            implements Serializable {}

    public Result run() {
        Path root = Storage.path(dataset.root());
        Path out = Storage.path(settings.output());
        OutputPlacement.requireApart(Shards.KEY, out, Map.of(DATASET_KEY, root));
        try (StageRun stage = StageRun.start(spark, "shard", System.out)) {
            return run(stage, root, out);
        }
    }

    /** The run, holding the lock of its output; a failure leaves no temporary sibling behind (StageRun). */
    private Result run(StageRun stage, Path root, Path out) {
        JavaSparkContext sc = stage.sc();
        FileSystem srcFs = stage.fs(root);
        if (!exists(srcFs, root)) {
            throw new StageOutputException("dataset root " + root + " does not exist (distill4j.dataset.root)");
        }
        DatasetFormat format = DatasetFormats.of(dataset.kind().id());
        DatasetSource source = DatasetSource.open(format, srcFs, root);
        AtomicOutput output = stage.begin(stage.fs(out), out, settings.overwrite(), Shards.KEY);
        HadoopConf hadoop = HadoopConf.of(sc.hadoopConfiguration());
        Map<String, SplitResult> splits = new LinkedHashMap<>();
        for (String split : dataset.splits()) {
            List<SourceSample> samples = source.list(split);
            if (samples.isEmpty()) {
                throw new StageOutputException("split '" + split + "' of " + root + " has no samples");
            }
            stage.jobGroup(
                    "SHARD",
                    String.format(
                            "SHARD %s/%s: %d samples -> %d shards %s",
                            dataset.kind().id(), split, samples.size(), settings.numShards(), settings.compression()));
            splits.put(split, shardSplit(sc, format, samples, split, hadoop, new Path(output.tempDir(), split)));
        }
        Map<String, String> fingerprints = new LinkedHashMap<>();
        splits.forEach((split, r) -> fingerprints.put(split, r.fingerprint()));
        addFooters(stage, output.tempDir(), source.classes(), ShardFingerprint.shards(fingerprints), hadoop);
        Result result = new Result(
                out.toString(),
                counts(splits),
                splits.values().stream().flatMap(r -> r.skipped().stream()).toList(),
                splits.values().stream().flatMap(r -> r.warnings().stream()).toList());
        StageRun.commit(output, Manifests.toJson(manifest(stage, root, source, splits, fingerprints, result)));
        return result;
    }

    private static Map<String, Long> counts(Map<String, SplitResult> splits) {
        Map<String, Long> counts = new LinkedHashMap<>();
        splits.forEach((split, r) -> counts.put(split, r.rows()));
        return counts;
    }

    /** The shard manifest: counts, class histograms, skipped and warned samples, fingerprints, provenance. */
    private ShardManifest manifest(
            StageRun stage,
            Path root,
            DatasetSource source,
            Map<String, SplitResult> splits,
            Map<String, String> fingerprints,
            Result result) {
        Map<String, Map<String, Long>> histograms = new LinkedHashMap<>();
        splits.forEach((split, r) -> histograms.put(split, r.histogram()));
        List<ShardManifest.SkippedSample> skipped = result.skipped().stream()
                .map(s -> new ShardManifest.SkippedSample(s.sampleId(), s.file(), s.reason()))
                .toList();
        List<ShardManifest.WarnedSample> warned = result.warnings().stream()
                .map(w -> new ShardManifest.WarnedSample(w.sampleId(), w.file(), w.detail()))
                .toList();
        return new ShardManifest(
                ShardManifest.STAGE,
                Instant.now().toString(),
                stage.provenance(null, Map.of(), DecidingSettings.shard(dataset, settings)),
                dataset.kind().id(),
                root.toString(),
                ShardSchema.IMAGE_FORMAT,
                settings.height(),
                settings.width(),
                settings.numShards(),
                settings.compression(),
                result.counts(),
                histograms,
                source.categoriesJson(),
                skipped,
                warned,
                ShardFingerprint.shards(fingerprints),
                fingerprints);
    }

    /**
     * Writes ShardFooter's key-value metadata into every shard file before the output is
     * committed (Spark's writer has no option for it), one Spark task per file.
     */
    private void addFooters(
            StageRun stage, Path dir, List<DatasetClass> datasetClasses, String fingerprint, HadoopConf hadoop) {
        List<String> classes = datasetClasses.stream().map(DatasetClass::name).toList();
        for (String split : dataset.splits()) {
            Map<String, String> footer = new LinkedHashMap<>(ShardFooter.of(
                    dataset.kind().id(),
                    split,
                    classes,
                    ShardSchema.IMAGE_FORMAT,
                    settings.height(),
                    settings.width(),
                    settings.compression(),
                    fingerprint));
            List<String> files = ShardFiles.list(stage.fs(dir), dir, split).stream()
                    .map(Path::toString)
                    .toList();
            if (files.isEmpty()) continue;
            stage.jobGroup("SHARD", "SHARD " + split + ": footer metadata of " + files.size() + " files");
            stage.sc()
                    .parallelize(files, files.size())
                    .foreach(f -> ParquetFooters.add(hadoop.get(), new Path(f), footer));
        }
    }

    private record SplitResult(
            long rows,
            List<Skipped> skipped,
            List<SampleWarning> warnings,
            Map<String, Long> histogram,
            String fingerprint) {}

    /** One shard file's share of the split summary: its rows' digest and class histogram. */
    private record FileSummary(int partition, long rows, byte[] digest, TreeMap<Integer, Long> histogram)
            implements Serializable {}

    private SplitResult shardSplit(
            JavaSparkContext sc,
            DatasetFormat format,
            List<SourceSample> samples,
            String split,
            HadoopConf hadoop,
            Path dir) {
        int height = settings.height();
        int width = settings.width();
        boolean skip = settings.skipBadSamples();
        JavaRDD<Outcome> outcomes = sc.parallelize(samples, Math.min(settings.numShards(), samples.size()))
                .mapPartitions(it -> {
                    FaultInjection.maybeHold("shard", split);
                    List<Outcome> res = new ArrayList<>();
                    while (it.hasNext()) {
                        SourceSample s = it.next();
                        FileSystem fs = Storage.fs(new Path(s.imageUri()), hadoop.get());
                        try {
                            List<SampleWarning> warned = new ArrayList<>();
                            ShardRecord r = SampleDecoder.decode(format, s, fs, height, width, warned);
                            // hashed here, while the decoded bytes are in memory: no second pass over the images
                            res.add(new Outcome(r, ShardFingerprint.row(r), null, warned));
                        } catch (BadSampleException e) {
                            if (!skip) throw e;
                            res.add(new Outcome(
                                    null, null, new Skipped(e.sampleId(), e.file(), e.reason()), List.of()));
                        }
                    }
                    return res.iterator();
                })
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            JavaRDD<ShardRecord> good = outcomes.filter(o -> o.record != null).map(o -> o.record);
            spark.createDataFrame(good.map(ShardSchema::toRow), ShardSchema.SCHEMA)
                    .write()
                    .option("compression", settings.compression())
                    .parquet(dir.toString());
            List<Skipped> bad =
                    outcomes.filter(o -> o.bad != null).map(o -> o.bad).collect();
            List<SampleWarning> warned =
                    outcomes.flatMap(o -> o.warnings.iterator()).collect();
            // Partition i is written as file part-0000i: the summaries in partition order are in file order.
            List<FileSummary> files =
                    new ArrayList<>(outcomes.mapPartitionsWithIndex((i, it) -> summarise(format, i, it), true)
                            .collect());
            files.sort(java.util.Comparator.comparingInt(FileSummary::partition));
            long rows = 0;
            TreeMap<Integer, Long> histogram = new TreeMap<>();
            List<byte[]> digests = new ArrayList<>();
            for (FileSummary f : files) {
                rows += f.rows();
                f.histogram().forEach((k, v) -> histogram.merge(k, v, Long::sum));
                digests.add(f.digest());
            }
            Map<String, Long> h = new LinkedHashMap<>();
            histogram.forEach((k, v) -> h.put(Integer.toString(k), v));
            return new SplitResult(rows, bad, warned, h, ShardFingerprint.split(digests));
        } finally {
            outcomes.unpersist();
        }
    }

    /**
     * The digest and histogram of one partition's good rows (none for a partition without any,
     * which is written as no file): the format counts pixels per trainId or objects per category id.
     */
    private static java.util.Iterator<FileSummary> summarise(
            DatasetFormat format, int partition, java.util.Iterator<Outcome> it) {
        ShardFingerprint.FileDigest digest = new ShardFingerprint.FileDigest();
        TreeMap<Integer, Long> h = new TreeMap<>();
        while (it.hasNext()) {
            Outcome o = it.next();
            if (o.record == null) continue;
            digest.add(o.digest);
            format.countClasses(o.record, h);
        }
        if (digest.rows() == 0) return java.util.Collections.emptyIterator();
        return List.of(new FileSummary(partition, digest.rows(), digest.finish(), h))
                .iterator();
    }

    private static boolean exists(FileSystem fs, Path p) {
        try {
            return fs.exists(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + p, e);
        }
    }
}
