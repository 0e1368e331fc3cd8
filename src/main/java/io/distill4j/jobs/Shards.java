package io.distill4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.data.ShardRecord;
import io.distill4j.manifest.InputRef;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.ShardManifest;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A committed shard output: its manifest and its splits as Spark data. */
public final class Shards {
    /** The configuration key naming the shards directory. */
    public static final String KEY = "distill4j.shard.output";

    private final SparkSession spark;
    private final Path root;
    private final ShardManifest manifest;

    private Shards(SparkSession spark, Path root, ShardManifest manifest) {
        this.spark = spark;
        this.root = root;
        this.manifest = manifest;
    }

    /** Opens shards, refusing a directory without a manifest (an interrupted shard run). */
    public static Shards open(SparkSession spark, String location) {
        Path root = Storage.path(location);
        FileSystem fs = Storage.fs(root, spark.sparkContext().hadoopConfiguration());
        try {
            if (!fs.exists(root)) {
                throw new io.distill4j.storage.StageOutputException(
                        "no shards at " + root + " (distill4j.shard.output): run shard first");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
        }
        return new Shards(spark, root, Manifests.read(fs, root, ShardManifest.class));
    }

    /** The Hadoop settings of the session that opened the shards (for files read on the driver). */
    public org.apache.hadoop.conf.Configuration hadoopConfiguration() {
        return spark.sparkContext().hadoopConfiguration();
    }

    public Path root() {
        return root;
    }

    public ShardManifest manifest() {
        return manifest;
    }

    public String dataset() {
        return manifest.dataset();
    }

    public int height() {
        return manifest.height();
    }

    public int width() {
        return manifest.width();
    }

    public long count(String split) {
        return manifest.count().getOrDefault(split, -1L);
    }

    /**
     * The shards' content fingerprint, which every stage that reads them records and checks.
     * Shards written before it existed are refused: re-running shard is what makes them usable.
     */
    public String fingerprint(String stage) {
        if (manifest.fingerprint() == null) {
            throw new StageOutputException(
                    stage + ": shards " + root + " record no content fingerprint (written by an older "
                            + "distill4j); re-run shard with --overwrite so the stages that read them can be tied to them");
        }
        return manifest.fingerprint();
    }

    /** These shards as the input of another stage: their path and content fingerprint. */
    public InputRef asInput(String stage) {
        return new InputRef(root.toString(), fingerprint(stage));
    }

    public Dataset<Row> frame(String split) {
        if (!manifest.count().containsKey(split)) {
            throw new StageOutputException(
                    "shards " + root + " have no split '" + split + "' (they hold " + manifest.count() + ")");
        }
        return spark.read().parquet(new Path(root, split).toString());
    }

    public JavaRDD<ShardRecord> records(String split) {
        return frame(split).javaRDD().map(ShardSchema::fromRow);
    }

    /**
     * The split the training stages train on: {@code train} (Cityscapes), or else the one split
     * whose name starts with "train" ({@code train2017} for COCO).
     */
    public String trainSplit(String stage) {
        java.util.List<String> splits =
                new java.util.ArrayList<>(manifest.count().keySet());
        if (splits.contains("train")) return "train";
        java.util.List<String> train =
                splits.stream().filter(s -> s.startsWith("train")).toList();
        if (train.size() != 1) {
            throw new StageOutputException(stage + ": shards " + root + " hold splits " + splits
                    + "; the training split is " + "'train' or a single split starting with 'train' (dataset.splits)");
        }
        return train.get(0);
    }

    /**
     * The names of the manifest's {@code categories} (COCO shards) in their contiguous index order.
     */
    public java.util.List<String> categoryNames() {
        JsonNode cats = manifest.categories() == null ? Manifest.JSON.createArrayNode() : manifest.categories();
        String[] names = new String[cats.size()];
        for (JsonNode c : cats) {
            int index = c.path("index").asInt(-1);
            if (index >= 0 && index < names.length)
                names[index] = c.path("name").asText();
        }
        return java.util.Arrays.asList(names);
    }

    /** The COCO category id of each detection class index, from the manifest's {@code categories}. */
    public int[] categoryIds() {
        JsonNode cats = manifest.categories() == null ? Manifest.JSON.createArrayNode() : manifest.categories();
        int[] ids = new int[cats.size()];
        java.util.Arrays.fill(ids, -1);
        for (JsonNode c : cats) {
            int index = c.path("index").asInt(-1);
            if (index < 0 || index >= ids.length || ids[index] != -1) {
                throw new StageOutputException(
                        "shards " + root + ": field 'categories' has a bad or repeated index " + c);
            }
            ids[index] = c.path("id").asInt();
        }
        if (ids.length == 0) {
            throw new StageOutputException(
                    "shards " + root + ": field 'categories' is empty; a detector needs at least one class");
        }
        return ids;
    }
}
