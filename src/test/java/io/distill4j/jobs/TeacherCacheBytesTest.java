package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.tensor.TensorCodecs;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison table's cache bytes per sample are what the cache takes on disk, not the raw payload. */
class TeacherCacheBytesTest {
    private static final int[] LOGITS = {19, 8, 16};
    private static final int[] NECK = {8, 8, 16};
    private static final int SAMPLES = 6;

    @TempDir
    static java.nio.file.Path tmp;

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTestSupport.spark(SparkTestSupport.config(tmp.resolve("work"), tmp.resolve("sample")));
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @Test
    void bytesPerSampleSumToTheSplitsParquetFilesPerSample() throws Exception {
        Configuration hadoop = new Configuration();
        FileSystem fs = FileSystem.getLocal(hadoop);
        Path cacheDir = new Path(tmp.resolve("cache").toUri());
        Random rnd = new Random(3);
        // Constant logits compress to almost nothing; random int8 features hardly at all.
        for (int file = 0; file < 2; file++) {
            List<CacheRow> rows = new ArrayList<>();
            for (int s = file; s < SAMPLES; s += 2) {
                float[] logits = new float[LOGITS[0] * LOGITS[1] * LOGITS[2]];
                java.util.Arrays.fill(logits, 1.5f);
                float[] neck = new float[NECK[0] * NECK[1] * NECK[2]];
                for (int i = 0; i < neck.length; i++) neck[i] = (float) rnd.nextGaussian();
                rows.add(new CacheRow(
                        "s" + s,
                        "logits",
                        "identity",
                        TensorCodecs.forSpec("fp16").encode(logits, LOGITS)));
                rows.add(new CacheRow(
                        "s" + s,
                        "neck",
                        "identity",
                        TensorCodecs.forSpec("int8").encode(neck, NECK)));
            }
            CacheParquet.writeAtomically(
                    fs,
                    hadoop,
                    new Path(cacheDir, "train/part-0000" + file + ".parquet"),
                    rows,
                    CompressionCodecName.ZSTD);
        }
        long onDisk = 0;
        try (var files = Files.list(tmp.resolve("cache/train"))) {
            for (java.nio.file.Path f :
                    files.filter(f -> f.toString().endsWith(".parquet")).toList()) onDisk += Files.size(f);
        }

        Map<String, Double> perOutput = TeacherCache.bytesPerSample(spark, cacheDir, "train");

        assertEquals(List.of("logits", "neck"), List.copyOf(perOutput.keySet()));
        double total =
                perOutput.values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals((double) onDisk / SAMPLES, total, 1e-6 * onDisk, "bytes per sample on disk: " + perOutput);
        long raw = 2L * LOGITS[0] * LOGITS[1] * LOGITS[2] + (long) NECK[0] * NECK[1] * NECK[2] + 4L * NECK[0];
        assertTrue(
                total < 0.8 * raw,
                "zstd shrinks the constant logits, so the files are well under the raw " + raw + " bytes per sample: "
                        + perOutput);
        assertTrue(
                perOutput.get("logits") > perOutput.get("neck"),
                "shared by encoded size (fp16 logits 2x the int8 neck's bytes): " + perOutput);
    }
}
