package io.distill4j.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;

import io.distill4j.manifest.CacheManifest;
import io.distill4j.manifest.InputRef;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.SameShards;
import io.distill4j.model.TapInfo;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import io.distill4j.tensor.EncodedTensor;
import io.distill4j.tensor.TensorCodecs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A committed teacher cache as the distill job sees it: validated against the teacher and the
 * preprocessing it is asked to use, with its outputs' shapes, and readable as Spark frames.
 */
public final class TeacherCache {
    private final SparkSession spark;
    private final Path dir;
    private final CacheManifest manifest;

    private TeacherCache(SparkSession spark, Path dir, CacheManifest manifest) {
        this.spark = spark;
        this.dir = dir;
        this.manifest = manifest;
    }

    /**
     * Opens {@code root/<fingerprint>} and checks that it was computed by that teacher on inputs
     * preprocessed as {@code preprocessing}; a mismatch names the field that differs.
     */
    public static TeacherCache open(SparkSession spark, String root, String fingerprint, String preprocessing) {
        Path dir = new Path(Storage.path(root), fingerprint);
        FileSystem fs = Storage.fs(dir, spark.sparkContext().hadoopConfiguration());
        CacheManifest m;
        try {
            if (!fs.exists(dir)) {
                throw new StageOutputException("no teacher cache for teacher " + fingerprint + " at " + dir
                        + ": run cache-teacher first (a cache of another teacher is never used)");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        m = Manifests.read(fs, dir, CacheManifest.class);
        String fp = m.fingerprint();
        if (!fp.equals(fingerprint)) {
            throw new StageOutputException("teacher cache " + dir + ": field 'fingerprint' is " + fp
                    + " but the teacher is " + fingerprint + "; rerun cache-teacher for this teacher");
        }
        String pre = m.preprocessing();
        if (!pre.equals(preprocessing)) {
            throw new StageOutputException("teacher cache " + dir + ": field 'preprocessing' is '" + pre
                    + "' but distill uses '" + preprocessing + "'; reshard or recache with the same resolution");
        }
        return new TeacherCache(spark, dir, m);
    }

    /**
     * Refuses a cache computed on other shards than {@code shards} (e.g. the same sample ids with
     * other images after {@code shard --overwrite}), naming both fingerprints and both paths. A
     * cache that records no shards fingerprint (an older distill4j) is refused too: it cannot be
     * tied to any.
     */
    public void requireComputedOn(Shards shards, String stage) {
        InputRef recorded =
                manifest.provenance() == null ? null : manifest.provenance().input("shards");
        if (!SameShards.check(
                stage,
                "teacher cache",
                dir.toString(),
                recorded,
                shards.root().toString(),
                shards.fingerprint(stage),
                "delete the cache and rerun cache-teacher on these shards")) {
            throw new StageOutputException(
                    stage + ": teacher cache " + dir + " records no shards fingerprint (written by an "
                            + "older distill4j), so it cannot be tied to the shards at " + shards.root()
                            + "; delete it and rerun cache-teacher");
        }
    }

    /** Views the teacher ran on per sample: 0 for a cache of the whole image (the identity view). */
    public int viewsPerSample() {
        String v = manifest.view();
        if (v == null || !v.startsWith("views=")) return 0;
        return Integer.parseInt(v.substring("views=".length(), v.indexOf(';')));
    }

    /**
     * Refuses a cache whose views differ from the ones the run expects (another K, view seed or
     * augment settings), naming both.
     *
     * @param expected the identity view or {@link io.distill4j.augment.CachedViews#describe}
     */
    public void requireViews(String expected, String stage) {
        String held = manifest.view() == null ? expected : manifest.view();
        if (!held.equals(expected)) {
            throw new StageOutputException(stage + ": teacher cache " + dir + " holds the teacher's outputs on '" + held
                    + "' but this run expects '" + expected
                    + "' (cache.views-per-sample, cache.view-seed, train.augment); "
                    + "rerun cache-teacher with the run's settings into another cache.output");
        }
    }

    /** The teacher fingerprint the cache was computed with. */
    public String fingerprint() {
        return manifest.fingerprint();
    }

    /** What ran the teacher: dl4j | onnx-runtime (dl4j for caches of versions that did not record it). */
    public String engine() {
        return manifest.engine() == null ? "dl4j" : manifest.engine();
    }

    public Path dir() {
        return dir;
    }

    /** The cached outputs by name, with their shapes. */
    public Map<String, TapInfo> outputs() {
        Map<String, TapInfo> out = new LinkedHashMap<>();
        for (CacheManifest.CachedOutput o : manifest.outputs()) {
            List<Integer> s = o.shape();
            out.put(o.name(), new TapInfo(o.name(), o.vertex(), s.get(0), s.get(1), s.get(2)));
        }
        return out;
    }

    /**
     * The shard frame of a split with one struct column {@code t_<output>} per requested output
     * (null where the cache has no row for the sample).
     */
    public Dataset<Row> joinTo(Dataset<Row> shards, String split, List<String> names) {
        if (!manifest.count().containsKey(split)) {
            throw new StageOutputException(
                    "teacher cache " + dir + " has no split '" + split + "'; add it to cache.splits");
        }
        Dataset<Row> cache = spark.read().parquet(new Path(dir, split).toString());
        Dataset<Row> joined = shards;
        boolean views = viewsPerSample() > 0;
        for (String name : names) {
            org.apache.spark.sql.Column tensor =
                    struct(col("codec"), col("shape"), col("data"), col("scale"), col("topk_idx"));
            Dataset<Row> one = views
                    // Every view of the sample in one sorted list, so an index names the same view in every output.
                    ? cache.filter(col("output").equalTo(name))
                            .groupBy(col("sample_id").as("cache_sample_id"))
                            .agg(org.apache
                                    .spark
                                    .sql
                                    .functions
                                    .sort_array(org.apache.spark.sql.functions.collect_list(
                                            struct(col("view"), tensor.as("tensor"))))
                                    .as(column(name)))
                    : cache.filter(col("output").equalTo(name))
                            .select(col("sample_id").as("cache_sample_id"), tensor.as(column(name)));
            joined = joined.join(one, joined.col("sample_id").equalTo(one.col("cache_sample_id")), "left")
                    .drop("cache_sample_id");
        }
        return joined;
    }

    /**
     * Bytes on disk per sample of each output in a cache split: the split's Parquet files (payload
     * after Parquet's encodings and compression, plus the other columns and footers), shared among
     * the outputs in proportion to their encoded payload (data, top-k indices, int8 scales), divided
     * by the split's distinct samples. Summed over every output of the split, this is exactly the
     * split's size on disk per sample, all its cached views together: what a method costs in storage.
     */
    public static Map<String, Double> bytesPerSample(SparkSession spark, Path cacheDir, String split) {
        Path dir = new Path(cacheDir, split);
        long onDisk = parquetBytes(spark, dir);
        Dataset<Row> cache = spark.read().parquet(dir.toString());
        org.apache.spark.sql.Column bytes = org.apache
                .spark
                .sql
                .functions
                .length(col("data"))
                .plus(org.apache.spark.sql.functions.coalesce(
                        org.apache.spark.sql.functions.length(col("topk_idx")), org.apache.spark.sql.functions.lit(0)))
                .plus(org.apache
                        .spark
                        .sql
                        .functions
                        .when(col("scale").isNull(), 0)
                        .otherwise(org.apache
                                .spark
                                .sql
                                .functions
                                .size(col("scale"))
                                .multiply(4)));
        long samples = cache.select("sample_id").distinct().count();
        Map<String, Long> encoded = new LinkedHashMap<>();
        for (Row r : cache.groupBy("output")
                .agg(org.apache.spark.sql.functions.sum(bytes))
                .orderBy("output")
                .collectAsList()) {
            encoded.put(r.getString(0), r.getLong(1));
        }
        double encodedTotal =
                encoded.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        encoded.forEach((output, b) -> out.put(output, onDisk * (b / encodedTotal) / samples));
        return out;
    }

    /** Total length of the Parquet files directly in {@code dir}. */
    static long parquetBytes(SparkSession spark, Path dir) {
        try {
            FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            long total = 0;
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(dir)) {
                if (f.isFile() && f.getPath().getName().endsWith(".parquet")) total += f.getLen();
            }
            return total;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot list teacher cache files in " + dir + ": " + e.getMessage(), e);
        }
    }

    public static String column(String output) {
        return "t_" + output.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** One cached view of a sample and the teacher's outputs on it. */
    public record CachedView(io.distill4j.augment.View view, Map<String, float[]> teacher) {}

    /**
     * The {@code index}-th cached view of a joined row of a views cache ({@link #joinTo}): the same
     * view in every output, or an error naming the sample.
     */
    public static CachedView cachedView(Row row, int[] columns, List<String> names, int index, int viewsPerSample) {
        String view = null;
        Map<String, float[]> teacher = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++) {
            List<Row> views = row.getList(columns[i]);
            String id = row.getString(row.fieldIndex("sample_id"));
            if (views.size() != viewsPerSample) {
                throw new StageOutputException("sample " + id + ": the teacher cache has " + views.size()
                        + " views of output '" + names.get(i) + "', expected " + viewsPerSample);
            }
            Row picked = views.get(index);
            if (view != null && !view.equals(picked.getString(0))) {
                throw new StageOutputException("sample " + id + ": cached outputs disagree on view " + index + " ('"
                        + view + "' vs '" + picked.getString(0) + "')");
            }
            view = picked.getString(0);
            teacher.put(names.get(i), decode(picked.getStruct(1)));
        }
        return new CachedView(io.distill4j.augment.View.parse(view), teacher);
    }

    /** Decodes a {@code t_<output>} struct to CHW floats. */
    public static float[] decode(Row t) {
        List<Integer> shapeL = t.getList(1);
        int[] shape = shapeL.stream().mapToInt(Integer::intValue).toArray();
        float[] scale = null;
        if (!t.isNullAt(3)) {
            List<Float> s = t.getList(3);
            scale = new float[s.size()];
            for (int i = 0; i < scale.length; i++) scale[i] = s.get(i);
        }
        EncodedTensor e = new EncodedTensor(
                t.getString(0), shape, (byte[]) t.get(2), scale, t.isNullAt(4) ? null : (byte[]) t.get(4));
        return TensorCodecs.forSpec(e.codec()).decode(e);
    }
}
