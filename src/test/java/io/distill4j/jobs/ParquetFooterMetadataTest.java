package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.manifest.CacheManifest;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.ShardManifest;
import io.distill4j.storage.ShardFiles;
import io.distill4j.util.NativeSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard and cache Parquet files name their classes, codec, preprocessing and fingerprint in their
 * footers' key-value metadata (read back here with parquet-hadoop, as pyarrow or DuckDB read it),
 * and stay readable row for row.
 */
@Tag("spark")
class ParquetFooterMetadataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    java.nio.file.Path tmp;

    private static Map<String, String> footer(Configuration conf, Path file) throws Exception {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            return r.getFooter().getFileMetaData().getKeyValueMetaData();
        }
    }

    @Test
    void shardAndCacheFilesCarryWhatAReaderNeeds() throws Exception {
        NativeSetup.init();
        java.nio.file.Path sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        java.nio.file.Path work = tmp.resolve("work");
        CliRun shard = CliRun.of(work, sample, "shard");
        assertEquals(0, shard.code(), shard.err());
        FaultTestSupport.writeUntrainedTeacher(SparkTestSupport.config(work, sample), 32, 64, 0);
        CliRun cache = CliRun.of(work, sample, "cache-teacher", "cache.outputs=[{name=logits, codec=int8}]");
        assertEquals(0, cache.code(), cache.err());

        Configuration conf = new Configuration();
        FileSystem fs = FileSystem.getLocal(conf);
        Path shards = new Path(work.resolve("shards").toUri());
        ShardManifest sm = Manifests.read(fs, shards, ShardManifest.class);
        long rows = 0;
        for (String split : List.of("train", "val")) {
            List<Path> files = ShardFiles.list(fs, shards, split);
            assertFalse(files.isEmpty());
            for (Path f : files) {
                Map<String, String> kv = footer(conf, f);
                assertEquals("cityscapes", kv.get("distill4j.dataset"), f.toString());
                assertEquals(split, kv.get("distill4j.split"));
                assertEquals(
                        CityscapesLabels.TRAIN_NAMES,
                        List.of(JSON.readValue(kv.get("distill4j.classes"), String[].class)));
                assertEquals("uint8-chw-rgb", kv.get("distill4j.image.format"));
                assertEquals("32", kv.get("distill4j.image.height"));
                assertEquals("64", kv.get("distill4j.image.width"));
                assertEquals("zstd", kv.get("distill4j.codec"));
                assertEquals(sm.fingerprint(), kv.get("distill4j.shards.fingerprint"));
                assertEquals(
                        true,
                        kv.containsKey("org.apache.spark.sql.parquet.row.metadata"),
                        "Spark's own schema is kept");
                if (split.equals("train")) rows += ShardFiles.read(conf, f).size();
            }
        }
        assertEquals(sm.count().get("train"), rows, "every row is still there and decodes");

        Path cacheRoot = new Path(work.resolve("teacher-cache").toUri());
        var dirs = fs.listStatus(
                cacheRoot, p -> !p.getName().startsWith(".") && !p.getName().startsWith("_"));
        assertEquals(1, dirs.length, "one teacher's cache");
        CacheManifest cm = Manifests.read(fs, dirs[0].getPath(), CacheManifest.class);
        Path cacheSplit = new Path(new Path(work.resolve("teacher-cache").toUri()), cm.fingerprint() + "/train");
        List<Path> cacheFiles = new ArrayList<>();
        for (var st : fs.listStatus(cacheSplit))
            if (st.getPath().getName().endsWith(".parquet")) cacheFiles.add(st.getPath());
        assertFalse(cacheFiles.isEmpty());
        for (Path f : cacheFiles) {
            Map<String, String> kv = footer(conf, f);
            assertEquals(cm.fingerprint(), kv.get("distill4j.teacher.fingerprint"));
            assertEquals("segmentation", kv.get("distill4j.task"));
            assertEquals(
                    CityscapesLabels.TRAIN_NAMES, List.of(JSON.readValue(kv.get("distill4j.classes"), String[].class)));
            assertEquals(cm.preprocessing(), kv.get("distill4j.preprocessing"));
            JsonNode logits = JSON.readTree(kv.get("distill4j.outputs")).path("logits");
            assertEquals("int8", logits.path("codec").asText());
            CacheRow row = CacheParquet.read(conf, f).get(0);
            assertArrayEquals(row.tensor().shape(), JSON.convertValue(logits.path("shape"), int[].class));
        }
    }
}
