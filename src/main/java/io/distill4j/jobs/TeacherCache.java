package io.distill4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.model.TapInfo;
import io.distill4j.storage.Manifest;
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
    private final ObjectNode manifest;

    private TeacherCache(SparkSession spark, Path dir, ObjectNode manifest) {
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
        ObjectNode m;
        try {
            if (!fs.exists(dir)) {
                throw new StageOutputException("no teacher cache for teacher " + fingerprint + " at " + dir
                        + ": run cache-teacher first (a cache of another teacher is never used)");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        m = Manifest.read(fs, dir);
        String fp = m.path("fingerprint").asText();
        if (!fp.equals(fingerprint)) {
            throw new StageOutputException("teacher cache " + dir + ": field 'fingerprint' is " + fp + " but the teacher is "
                    + fingerprint + "; rerun cache-teacher for this teacher");
        }
        String pre = m.path("preprocessing").asText();
        if (!pre.equals(preprocessing)) {
            throw new StageOutputException("teacher cache " + dir + ": field 'preprocessing' is '" + pre + "' but distill uses '"
                    + preprocessing + "'; reshard or recache with the same resolution");
        }
        return new TeacherCache(spark, dir, m);
    }

    public Path dir() {
        return dir;
    }

    /** The cached outputs by name, with their shapes. */
    public Map<String, TapInfo> outputs() {
        Map<String, TapInfo> out = new LinkedHashMap<>();
        for (JsonNode o : manifest.path("outputs")) {
            JsonNode s = o.path("shape");
            out.put(o.path("name").asText(), new TapInfo(o.path("name").asText(), o.path("vertex").asText(), s.get(0).asInt(),
                    s.get(1).asInt(), s.get(2).asInt()));
        }
        return out;
    }

    /**
     * The shard frame of a split with one struct column {@code t_<output>} per requested output
     * (null where the cache has no row for the sample).
     */
    public Dataset<Row> joinTo(Dataset<Row> shards, String split, List<String> names) {
        if (!manifest.path("count").has(split)) {
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
     * Mean bytes one sample's row of each output takes in a cache split (encoded payload, top-k
     * indices and int8 scales; Parquet's own compression comes on top): what a method costs in storage.
     */
    public static Map<String, Double> bytesPerSample(SparkSession spark, Path cacheDir, String split) {
        Dataset<Row> cache = spark.read().parquet(new Path(cacheDir, split).toString());
        org.apache.spark.sql.Column bytes = org.apache.spark.sql.functions.length(col("data"))
                .plus(org.apache.spark.sql.functions.coalesce(org.apache.spark.sql.functions.length(col("topk_idx")),
                        org.apache.spark.sql.functions.lit(0)))
                .plus(org.apache.spark.sql.functions.when(col("scale").isNull(), 0)
                        .otherwise(org.apache.spark.sql.functions.size(col("scale")).multiply(4)));
        Map<String, Double> out = new LinkedHashMap<>();
        for (Row r : cache.groupBy("output").agg(org.apache.spark.sql.functions.avg(bytes)).collectAsList()) {
            out.put(r.getString(0), r.getDouble(1));
        }
        return out;
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
