package io.distill4j.jobs;

import io.distill4j.manifest.CacheManifest;
import io.distill4j.manifest.InputRef;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.SameShards;
import io.distill4j.model.TapInfo;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import io.distill4j.tensor.EncodedTensor;
import io.distill4j.tensor.TensorCodecs;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;

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
            throw new StageOutputException("teacher cache " + dir + ": field 'fingerprint' is " + fp + " but the teacher is "
                    + fingerprint + "; rerun cache-teacher for this teacher");
        }
        String pre = m.preprocessing();
        if (!pre.equals(preprocessing)) {
            throw new StageOutputException("teacher cache " + dir + ": field 'preprocessing' is '" + pre + "' but distill uses '"
                    + preprocessing + "'; reshard or recache with the same resolution");
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
        InputRef recorded = manifest.provenance() == null ? null : manifest.provenance().input("shards");
        if (!SameShards.check(stage, "teacher cache", dir.toString(), recorded, shards.root().toString(), shards.fingerprint(stage),
                "delete the cache and rerun cache-teacher on these shards")) {
            throw new StageOutputException(stage + ": teacher cache " + dir + " records no shards fingerprint (written by an "
                    + "older distill4j), so it cannot be tied to the shards at " + shards.root() + "; delete it and rerun cache-teacher");
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
            throw new StageOutputException("teacher cache " + dir + " has no split '" + split + "'; add it to cache.splits");
        }
        Dataset<Row> cache = spark.read().parquet(new Path(dir, split).toString());
        Dataset<Row> joined = shards;
        for (String name : names) {
            Dataset<Row> one = cache.filter(col("output").equalTo(name))
                    .select(col("sample_id").as("cache_sample_id"),
                            struct(col("codec"), col("shape"), col("data"), col("scale"), col("topk_idx")).as(column(name)));
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
     * split's size on disk per sample: what a method costs in storage.
     */
    public static Map<String, Double> bytesPerSample(SparkSession spark, Path cacheDir, String split) {
        Path dir = new Path(cacheDir, split);
        long onDisk = parquetBytes(spark, dir);
        Dataset<Row> cache = spark.read().parquet(dir.toString());
        org.apache.spark.sql.Column bytes = org.apache.spark.sql.functions.length(col("data"))
                .plus(org.apache.spark.sql.functions.coalesce(org.apache.spark.sql.functions.length(col("topk_idx")),
                        org.apache.spark.sql.functions.lit(0)))
                .plus(org.apache.spark.sql.functions.when(col("scale").isNull(), 0)
                        .otherwise(org.apache.spark.sql.functions.size(col("scale")).multiply(4)));
        long samples = cache.select("sample_id").distinct().count();
        Map<String, Long> encoded = new LinkedHashMap<>();
        for (Row r : cache.groupBy("output").agg(org.apache.spark.sql.functions.sum(bytes)).orderBy("output").collectAsList()) {
            encoded.put(r.getString(0), r.getLong(1));
        }
        double encodedTotal = encoded.values().stream().mapToLong(Long::longValue).sum();
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
            throw new java.io.UncheckedIOException("cannot list teacher cache files in " + dir + ": " + e.getMessage(), e);
        }
    }

    public static String column(String output) {
        return "t_" + output.replaceAll("[^A-Za-z0-9_]", "_");
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
        EncodedTensor e = new EncodedTensor(t.getString(0), shape, (byte[]) t.get(2), scale,
                t.isNullAt(4) ? null : (byte[]) t.get(4));
        return TensorCodecs.forSpec(e.codec()).decode(e);
    }
}
