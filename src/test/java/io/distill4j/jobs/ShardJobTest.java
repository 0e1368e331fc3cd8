package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ChwImage;
import io.distill4j.data.ImageOps;
import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shard job on the generated sample under a real local[2] Spark, reading the Parquet back. */
@Tag("spark")
class ShardJobTest {
    @TempDir
    static java.nio.file.Path tmp;

    static java.nio.file.Path sample;
    static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        spark = SparkTestSupport.spark(SparkTestSupport.config(tmp.resolve("w0"), sample));
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    private static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    @Test
    void cityscapesShardsHoldResizedPixelsAndTrainIdsOfTheSourceFiles() throws Exception {
        Distill4jConfig c = SparkTestSupport.config(tmp.resolve("w1"), sample);
        ShardJob.Result r = new ShardJob(spark, c.dataset(), c.shard()).run();
        assertEquals(8L, r.counts().get("train"));
        assertEquals(4L, r.counts().get("val"));
        ObjectNode m = Manifest.read(fs(), new Path(r.output()));
        assertEquals(8, m.path("count").path("train").asInt());
        assertEquals("uint8-chw-rgb", m.path("image_format").asText());
        long histogramPixels = 0;
        for (JsonNode v : m.path("class_histogram").path("train")) histogramPixels += v.asLong();
        assertEquals(8L * 32 * 64, histogramPixels, "the histogram counts every pixel once");

        List<Row> rows =
                spark.read().parquet(r.output() + "/val").orderBy("sample_id").collectAsList();
        assertEquals(4, rows.size());
        Row row = rows.get(1);
        String id = row.getString(row.fieldIndex("sample_id"));
        String[] parts = id.split("/");
        assertEquals("cityscapes", parts[0]);
        java.nio.file.Path root = sample.resolve("cityscapes");
        ChwImage src = ImageOps.decodeRgb(
                Files.readAllBytes(root.resolve("leftImg8bit/val/" + parts[2] + "/" + parts[3] + "_leftImg8bit.png")));
        ChwImage lab = ImageOps.decodeLabelPng(
                Files.readAllBytes(root.resolve("gtFine/val/" + parts[2] + "/" + parts[3] + "_gtFine_labelIds.png")));
        byte[] image = (byte[]) row.get(row.fieldIndex("image"));
        byte[] label = (byte[]) row.get(row.fieldIndex("seg_label"));
        // An exact 2x bilinear reduction with half-pixel centres is the mean of each 2x2 block.
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < 32; y += 7) {
                for (int x = 0; x < 64; x += 9) {
                    double mean = (src.get(ch, 2 * y, 2 * x)
                                    + src.get(ch, 2 * y, 2 * x + 1)
                                    + src.get(ch, 2 * y + 1, 2 * x)
                                    + src.get(ch, 2 * y + 1, 2 * x + 1))
                            / 4.0;
                    int got = image[ch * 32 * 64 + y * 64 + x] & 0xFF;
                    assertTrue(
                            Math.abs(got - mean) <= 1.0,
                            "pixel c" + ch + " y" + y + " x" + x + ": " + got + " vs " + mean);
                }
            }
        }
        // Labels: nearest neighbour (half-pixel rule) of the source labelIds, mapped to trainIds.
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                int sy = (int) Math.floor((y + 0.5) * 2), sx = (int) Math.floor((x + 0.5) * 2);
                int expected = CityscapesLabels.trainId(lab.get(0, Math.min(63, sy), Math.min(127, sx)));
                int nearAlt = CityscapesLabels.trainId(lab.get(0, Math.max(0, sy - 1), Math.max(0, sx - 1)));
                int got = label[y * 64 + x] & 0xFF;
                assertTrue(
                        got == expected || got == nearAlt, "label at " + y + "," + x + ": " + got + " vs " + expected);
                assertTrue(got < 19 || got == 255);
            }
        }
    }

    @Test
    void cocoShardsCarryBoxesScaledFromTheAnnotationJson() throws Exception {
        Distill4jConfig c = SparkTestSupport.config(
                tmp.resolve("w2"),
                sample,
                "dataset.kind=coco",
                "dataset.root=\"" + sample.resolve("coco") + "\"",
                "dataset.splits=[train2017, val2017]",
                "shard.height=48",
                "shard.width=48");
        ShardJob.Result r = new ShardJob(spark, c.dataset(), c.shard()).run();
        assertEquals(6L, r.counts().get("train2017"));
        ObjectNode m = Manifest.read(fs(), new Path(r.output()));
        assertTrue(m.path("categories").size() >= 2, "COCO categories land in the manifest");
        JsonNode gt = new ObjectMapper()
                .readTree(sample.resolve("coco/annotations/instances_val2017.json")
                        .toFile());
        for (Row row : spark.read().parquet(r.output() + "/val2017").collectAsList()) {
            long imageId = row.getLong(row.fieldIndex("image_id"));
            int ow = row.getInt(row.fieldIndex("orig_width")), oh = row.getInt(row.fieldIndex("orig_height"));
            List<Float> boxes = row.getList(row.fieldIndex("boxes"));
            List<Integer> cats = row.getList(row.fieldIndex("category_ids"));
            int k = 0;
            for (JsonNode a : gt.path("annotations")) {
                if (a.path("image_id").asLong() != imageId) continue;
                assertEquals(a.path("category_id").asInt(), cats.get(k));
                assertEquals(a.path("bbox").get(0).asDouble() * 48 / ow, boxes.get(4 * k), 1e-3);
                assertEquals(a.path("bbox").get(3).asDouble() * 48 / oh, boxes.get(4 * k + 3), 1e-3);
                k++;
            }
            assertEquals(cats.size(), k, "every annotation of image " + imageId + " is in its row");
        }
    }

    @Test
    void theCallersJobGroupIsRestoredAfterARunAndAfterAFailedOne() throws Exception {
        Distill4jConfig c = SparkTestSupport.config(tmp.resolve("w-groups"), sample, "dataset.splits=[val]");
        var sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        sc.setJobGroup("PIPELINE", "the whole pipeline", true);
        try {
            new ShardJob(spark, c.dataset(), c.shard()).run();
            assertEquals("PIPELINE", sc.getLocalProperty(StageRun.GROUP_ID));
            assertEquals("the whole pipeline", sc.getLocalProperty(StageRun.GROUP_DESCRIPTION));
            // val is sharded under the stage's group, then the missing split fails the run
            Distill4jConfig missing = SparkTestSupport.config(
                    tmp.resolve("w-groups-missing"), sample, "dataset.splits=[val, no-such-split]");
            Exception e =
                    assertThrows(Exception.class, () -> new ShardJob(spark, missing.dataset(), missing.shard()).run());
            assertTrue(io.distill4j.cli.Errors.describe(e).contains("no-such-split"), e.toString());
            try (var left = Files.list(tmp.resolve("w-groups-missing"))) {
                assertEquals(
                        List.of(),
                        left.map(p -> p.getFileName().toString())
                                .filter(n -> n.contains(".tmp-"))
                                .toList(),
                        "the failed run's temporary sibling is removed");
            }
            assertEquals("PIPELINE", sc.getLocalProperty(StageRun.GROUP_ID));
            assertEquals("true", sc.getLocalProperty(StageRun.GROUP_INTERRUPT));
        } finally {
            sc.clearJobGroup();
        }
    }

    @Test
    void existingOutputIsRefusedAndKept() throws Exception {
        Distill4jConfig c = SparkTestSupport.config(tmp.resolve("w3"), sample, "dataset.splits=[val]");
        ShardJob.Result r = new ShardJob(spark, c.dataset(), c.shard()).run();
        StageOutputException e =
                assertThrows(StageOutputException.class, () -> new ShardJob(spark, c.dataset(), c.shard()).run());
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(
                4,
                Manifest.read(fs(), new Path(r.output()))
                        .path("count")
                        .path("val")
                        .asInt());
    }

    @Test
    void corruptImageFailsNamingTheFileOrIsSkippedAndListed() throws Exception {
        java.nio.file.Path copy = tmp.resolve("bad-sample");
        org.apache.commons.io.FileUtils.copyDirectory(
                sample.resolve("cityscapes").toFile(), copy.toFile());
        java.nio.file.Path victim;
        try (var s = Files.walk(copy.resolve("leftImg8bit/val"))) {
            victim = s.filter(p -> p.toString().endsWith(".png"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        Files.write(victim, new byte[] {1, 2, 3, 4, 5});
        // Hadoop's local file system would refuse the file for its stale .crc before decoding: a
        // corrupt upload has a matching checksum, so drop it to reach the decoder.
        Files.deleteIfExists(victim.resolveSibling("." + victim.getFileName() + ".crc"));
        Distill4jConfig fail = SparkTestSupport.config(
                tmp.resolve("w4"), sample, "dataset.root=\"" + copy + "\"", "dataset.splits=[val]");
        Exception e = assertThrows(Exception.class, () -> new ShardJob(spark, fail.dataset(), fail.shard()).run());
        String msg = io.distill4j.cli.Errors.describe(e);
        assertTrue(msg.contains(victim.getFileName().toString()), msg);
        assertTrue(
                !fs().exists(new Path(tmp.resolve("w4").resolve("shards").toUri()))
                        || !Manifest.exists(
                                fs(),
                                new Path(tmp.resolve("w4").resolve("shards").toUri())),
                "no committed output");

        Distill4jConfig skip = SparkTestSupport.config(
                tmp.resolve("w5"),
                sample,
                "dataset.root=\"" + copy + "\"",
                "dataset.splits=[val]",
                "shard.on-bad-sample=skip");
        ShardJob.Result r = new ShardJob(spark, skip.dataset(), skip.shard()).run();
        assertEquals(3L, r.counts().get("val"));
        assertEquals(1, r.skipped().size());
        JsonNode listed =
                Manifest.read(fs(), new Path(r.output())).path("skipped").get(0);
        assertTrue(listed.path("file").asText().contains(victim.getFileName().toString()), listed.toString());
        assertArrayEquals(
                new String[] {"val"},
                new String[] {r.counts().keySet().iterator().next()});
    }

    @Test
    void labelIdsOutsideTheCityscapesTableAreShardedAsIgnoreButCountedAndListed() throws Exception {
        java.nio.file.Path copy = tmp.resolve("foreign-label-ids");
        org.apache.commons.io.FileUtils.copyDirectory(
                sample.resolve("cityscapes").toFile(), copy.toFile());
        java.nio.file.Path victim;
        try (var s = Files.walk(copy.resolve("gtFine/val"))) {
            victim = s.filter(p -> p.toString().endsWith("_gtFine_labelIds.png"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        // A label map of another table: its top rows use ids 40 and 200, which Cityscapes does not have.
        ChwImage labels = ImageOps.decodeLabelPng(Files.readAllBytes(victim));
        byte[] ids = labels.data().clone();
        int row = labels.width();
        for (int i = 0; i < 2 * row; i++) ids[i] = (byte) (i < row ? 40 : 200);
        Files.write(victim, ImageOps.encodeLabelPng(new ChwImage(1, labels.height(), labels.width(), ids)));
        Files.deleteIfExists(victim.resolveSibling("." + victim.getFileName() + ".crc"));

        Distill4jConfig c = SparkTestSupport.config(
                tmp.resolve("w7"), sample, "dataset.root=\"" + copy + "\"", "dataset.splits=[val]");
        ShardJob.Result r = new ShardJob(spark, c.dataset(), c.shard()).run();
        assertEquals(4L, r.counts().get("val"), "the sample is sharded, not skipped");
        assertEquals(1, r.warnings().size());
        JsonNode listed = Manifest.read(fs(), new Path(r.output())).path("warnings");
        assertEquals(1, listed.size(), listed.toString());
        assertTrue(
                listed.get(0)
                        .path("file")
                        .asText()
                        .endsWith(victim.getFileName().toString()),
                listed.toString());
        assertTrue(
                listed.get(0)
                        .path("warning")
                        .asText()
                        .startsWith(
                                (2 * row) + " of " + ids.length
                                        + " pixels have label ids outside the Cityscapes table (0..33): 40, 200; trained as ignore"),
                listed.toString());
        String line = r.warningLine().orElseThrow();
        assertTrue(
                line.startsWith("[shard] warning: 1 sample looks wrong but was sharded (first: "
                                + listed.get(0).path("sample_id").asText())
                        && line.endsWith("all are listed under \"warnings\" in " + r.output() + "/_manifest.json"),
                line);
        // The clean sample gives no warning at all.
        Distill4jConfig clean = SparkTestSupport.config(tmp.resolve("w8"), sample, "dataset.splits=[val]");
        ShardJob.Result ok = new ShardJob(spark, clean.dataset(), clean.shard()).run();
        assertTrue(ok.warnings().isEmpty() && ok.warningLine().isEmpty());
        assertEquals(
                0, Manifest.read(fs(), new Path(ok.output())).path("warnings").size());
    }

    @Test
    void missingDatasetRootIsNamedAndNothingIsWritten() throws Exception {
        java.nio.file.Path missing = tmp.resolve("no-such-dataset");
        Distill4jConfig c = SparkTestSupport.config(tmp.resolve("w6"), sample, "dataset.root=\"" + missing + "\"");
        StageOutputException e =
                assertThrows(StageOutputException.class, () -> new ShardJob(spark, c.dataset(), c.shard()).run());
        assertTrue(
                e.getMessage().contains("no-such-dataset") && e.getMessage().contains("distill4j.dataset.root"),
                e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("w6").resolve("shards")), "no output directory was created");
    }
}
