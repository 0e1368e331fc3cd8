package io.distill4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.model.Task;
import io.distill4j.data.ShardRecord;
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
    private final SparkSession spark;
    private final Path root;
    private final ObjectNode manifest;

    private Shards(SparkSession spark, Path root, ObjectNode manifest) {
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
                throw new io.distill4j.storage.StageOutputException("no shards at " + root
                        + " (distill4j.shard.output): run shard first");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
        }
        return new Shards(spark, root, Manifest.read(fs, root));
    }

    /** The Hadoop settings of the session that opened the shards (for files read on the driver). */
    public org.apache.hadoop.conf.Configuration hadoopConfiguration() {
        return spark.sparkContext().hadoopConfiguration();
    }

    public Path root() {
        return root;
    }

    public ObjectNode manifest() {
        return manifest;
    }

    public String dataset() {
        return manifest.path("dataset").asText();
    }

    public int height() {
        return manifest.path("height").asInt();
    }

    public int width() {
        return manifest.path("width").asInt();
    }

    public long count(String split) {
        return manifest.path("count").path(split).asLong(-1);
    }

    public Dataset<Row> frame(String split) {
        if (!manifest.path("count").has(split)) {
            throw new StageOutputException("shards " + root + " have no split '" + split + "' (they hold "
                    + manifest.path("count").toString() + ")");
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
        java.util.List<String> splits = new java.util.ArrayList<>();
        manifest.path("count").fieldNames().forEachRemaining(splits::add);
        if (splits.contains("train")) return "train";
        java.util.List<String> train = splits.stream().filter(s -> s.startsWith("train")).toList();
        if (train.size() != 1) {
            throw new StageOutputException(stage + ": shards " + root + " hold splits " + splits + "; the training split is "
                    + "'train' or a single split starting with 'train' (dataset.splits)");
        }
        return train.get(0);
    }

    /**
     * The task the shards are for, from the manifest's {@code dataset}: cityscapes -> segmentation,
     * coco -> detection.
     */
    public Task task(String stage) {
        return switch (dataset()) {
            case "cityscapes" -> Task.SEGMENTATION;
            case "coco" -> Task.DETECTION;
            default -> throw new StageOutputException(stage + ": shards " + root + " have dataset '" + dataset()
                    + "' in " + Manifest.FILE_NAME + "; expected 'cityscapes' or 'coco'");
        };
    }

    /** The COCO category id of each detection class index, from the manifest's {@code categories}. */
    public int[] categoryIds() {
        JsonNode cats = manifest.path("categories");
        int[] ids = new int[cats.size()];
        java.util.Arrays.fill(ids, -1);
        for (JsonNode c : cats) {
            int index = c.path("index").asInt(-1);
            if (index < 0 || index >= ids.length || ids[index] != -1) {
                throw new StageOutputException("shards " + root + ": field 'categories' has a bad or repeated index " + c);
            }
            ids[index] = c.path("id").asInt();
        }
        if (ids.length == 0) {
            throw new StageOutputException("shards " + root + ": field 'categories' is empty; a detector needs at least one class");
        }
        return ids;
    }

    /** Refuses a task this build cannot train on. */
    public void requireSegmentation(String stage) {
        if (!dataset().equals("cityscapes")) {
            throw new StageOutputException(stage + ": shards " + root + " hold '" + dataset()
                    + "'; this stage trains the segmentation models (detection training is not built yet)");
        }
    }
}
