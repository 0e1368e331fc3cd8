package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.data.DetectionLabels;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.storage.ShardFiles;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records of each label kind written to a real shard Parquet file and read back both ways the
 * stages read shards (Spark SQL rows, and the per-file reader cache-teacher uses), with the
 * nullable columns of the public schema as before.
 */
@Tag("spark")
class ShardSchemaTest {
    @TempDir
    static java.nio.file.Path tmp;

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTestSupport.spark(SparkTestSupport.config(tmp.resolve("work"), tmp.resolve("unused")));
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    private static byte[] image(int h, int w, int seed) {
        byte[] b = new byte[3 * h * w];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 7 + seed);
        return b;
    }

    private static final ShardRecord CITYSCAPES = new ShardRecord(
            "cityscapes/val/a/a_000000_000019",
            "cityscapes",
            "val",
            2,
            3,
            1024,
            2048,
            image(2, 3, 1),
            new SegmentationLabels(new byte[] {0, 1, 18, (byte) 255, 7, 7}),
            "file:/c/leftImg8bit/val/a/a_000000_000019_leftImg8bit.png");

    private static final ShardRecord COCO = new ShardRecord(
            "coco/val/000000000139",
            "coco",
            "val",
            2,
            3,
            426,
            640,
            image(2, 3, 2),
            new DetectionLabels(
                    139,
                    new float[] {0.5f, 0.25f, 1.5f, 1f, 0, 0, 3, 2},
                    new int[] {18, 90},
                    new float[] {1234.5f, 99f},
                    new boolean[] {false, true}),
            "file:/c/val2017/000000000139.jpg");

    private static final ShardRecord COCO_WITHOUT_OBJECTS = new ShardRecord(
            "coco/val/000000000285",
            "coco",
            "val",
            2,
            3,
            640,
            586,
            image(2, 3, 3),
            new DetectionLabels(285, new float[0], new int[0], new float[0], new boolean[0]),
            "file:/c/val2017/000000000285.jpg");

    private static final List<ShardRecord> RECORDS = List.of(CITYSCAPES, COCO, COCO_WITHOUT_OBJECTS);

    private static String write(String name) {
        String dir = tmp.resolve(name).toUri().toString();
        spark.createDataFrame(RECORDS.stream().map(ShardSchema::toRow).toList(), ShardSchema.SCHEMA)
                .coalesce(1)
                .write()
                .parquet(dir);
        return dir;
    }

    @Test
    void recordsOfEachKindRoundTripThroughSparkSql() {
        Dataset<Row> read = spark.read().parquet(write("sql")).orderBy("sample_id");
        assertEquals(
                Arrays.stream(ShardSchema.SCHEMA.fields())
                        .map(StructField::name)
                        .toList(),
                Arrays.stream(read.schema().fields()).map(StructField::name).toList(),
                "the columns are a public contract");
        List<Row> rows = read.collectAsList();
        List<ShardRecord> back = rows.stream().map(ShardSchema::fromRow).toList();
        assertEquals(sorted(RECORDS), back);
        // The other kind's columns stay null in the file, as readers outside distill4j expect.
        Row cityscapes = rows.get(0), coco = rows.get(1);
        assertFalse(cityscapes.isNullAt(read.schema().fieldIndex("seg_label")));
        for (String c : List.of("boxes", "category_ids", "areas", "iscrowd")) {
            assertTrue(cityscapes.isNullAt(read.schema().fieldIndex(c)), "cityscapes " + c);
            assertFalse(coco.isNullAt(read.schema().fieldIndex(c)), "coco " + c);
        }
        assertTrue(coco.isNullAt(read.schema().fieldIndex("seg_label")));
        // image_id is not nullable: a segmentation row has -1, as shards written before the labels held it.
        assertEquals(-1L, cityscapes.getLong(read.schema().fieldIndex("image_id")));
        assertEquals(139L, coco.getLong(read.schema().fieldIndex("image_id")));
        assertEquals(139L, back.get(1).detection().imageId());
    }

    @Test
    void recordsOfEachKindRoundTripThroughTheShardFileReader() throws Exception {
        Configuration conf = new Configuration();
        Path dir = new Path(write("files"));
        FileSystem fs = dir.getFileSystem(conf);
        List<ShardRecord> back = Arrays.stream(
                        fs.listStatus(dir, p -> p.getName().endsWith(".parquet")))
                .flatMap(f -> ShardFiles.read(conf, f.getPath()).stream())
                .toList();
        assertEquals(sorted(RECORDS), sorted(back));
    }

    /**
     * A shard file ShardSchema wrote at commit 22661c8, when the COCO image id was a field of
     * ShardRecord and -1 for Cityscapes, from these same records: it reads back as them, both ways.
     */
    @Test
    void aShardWrittenBeforeTheImageIdMovedIntoTheLabelsReadsBackTheSame() {
        String file = "src/test/resources/shards/written-at-22661c8.parquet";
        assertEquals(sorted(RECORDS), sorted(ShardFiles.read(new Configuration(), new Path(file))));
        List<ShardRecord> viaSql = spark.read().parquet(file).orderBy("sample_id").collectAsList().stream()
                .map(ShardSchema::fromRow)
                .toList();
        assertEquals(sorted(RECORDS), viaSql);
    }

    private static List<ShardRecord> sorted(List<ShardRecord> records) {
        return records.stream()
                .sorted(Comparator.comparing(ShardRecord::sampleId))
                .toList();
    }
}
