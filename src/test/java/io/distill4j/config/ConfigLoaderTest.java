package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private File conf(String text) throws Exception {
        Path f = dir.resolve("exp.conf");
        Files.writeString(f, text);
        return f.toFile();
    }

    @Test
    void referenceAloneIsValidAndTyped() {
        Distill4jConfig c = ConfigLoader.load(null, List.of());
        assertEquals(DatasetSettings.Kind.CITYSCAPES, c.dataset().kind());
        assertEquals(64, c.shard().height());
        assertEquals("kryo", c.spark().serializer());
        assertEquals(1, c.distill().terms().size());
        assertEquals(DistillTerm.Kind.PIXEL_KD, c.distill().terms().get(0).kind());
        assertEquals(4, c.pipeline().students().size());
        assertTrue(c.pipeline().students().get(0).terms().isEmpty(), "the first pipeline student is the baseline");
    }

    @Test
    void unknownKeyIsRejectedWithItsFile() throws Exception {
        File f = conf("distill4j.shard.num-shard = 3\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, List.of()));
        assertTrue(e.getMessage().contains("distill4j.shard.num-shard"), e.getMessage());
        assertTrue(e.getMessage().contains("exp.conf"), e.getMessage());
    }

    @Test
    void wrongTypeNamesKeyAndFile() throws Exception {
        File f = conf("distill4j.shard.height = tall\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, List.of()));
        assertTrue(e.getMessage().startsWith("distill4j.shard.height: expected an integer"), e.getMessage());
        assertTrue(e.getMessage().contains("exp.conf"), e.getMessage());
    }

    @Test
    void outOfRangeValueNamesKey() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("shard.num-shards=0")));
        assertTrue(e.getMessage().contains("distill4j.shard.num-shards: must be in 1.."), e.getMessage());
        assertTrue(e.getMessage().contains("command-line override"), e.getMessage());
    }

    @Test
    void unknownKeyInsideADistillTermIsRejected() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(
                        null,
                        List.of(
                                "distill.terms=[{kind=cwd, student-tap=logits, teacher-output=logits, weight=1, temp=2}]")));
        assertTrue(e.getMessage().contains("distill4j.distill.terms[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("temp"), e.getMessage());
    }

    @Test
    void badCodecIsRejected() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(null, List.of("cache.outputs=[{name=logits, codec=fp8}]")));
        assertTrue(e.getMessage().contains("distill4j.cache.outputs[0].codec"), e.getMessage());
    }

    @Test
    void commandLineBeatsFileAndFileBeatsReference() throws Exception {
        File f = conf("distill4j { shard.height = 32, shard.width = 96 }\n");
        Distill4jConfig c = ConfigLoader.load(f, List.of("shard.height=48"));
        assertEquals(48, c.shard().height());
        assertEquals(96, c.shard().width());
        assertEquals(4, c.shard().numShards());
    }

    @Test
    void systemPropertiesOverrideTheFile() throws Exception {
        File f = conf("distill4j.shard.height = 32\n");
        System.setProperty("distill4j.shard.height", "48");
        try {
            com.typesafe.config.ConfigFactory.invalidateCaches();
            assertEquals(48, ConfigLoader.load(f, List.of()).shard().height());
        } finally {
            System.clearProperty("distill4j.shard.height");
            com.typesafe.config.ConfigFactory.invalidateCaches();
        }
    }

    @Test
    void workDirMovesEveryDerivedPath() {
        Distill4jConfig c = ConfigLoader.load(null, List.of("work-dir=/data/x"));
        assertEquals("/data/x/shards", c.shard().output());
        assertEquals("/data/x/teacher-cache", c.cache().output());
        assertEquals("/data/x/sample/cityscapes", c.dataset().root());
    }

    @Test
    void pathOverridesWithSchemesAreKeptAsStrings() {
        Distill4jConfig c = ConfigLoader.load(null, List.of("dataset.root=s3a://bucket/city scapes"));
        assertEquals("s3a://bucket/city scapes", c.dataset().root());
    }

    @Test
    void credentialsAreRedactedFromTheSavedConfiguration() {
        Distill4jConfig c = ConfigLoader.load(
                null,
                List.of(
                        "hadoop.conf={\"fs.s3a.secret.key\"=SuperSecret1, \"fs.s3a.endpoint\"=\"http://127.0.0.1:9\"}"));
        assertEquals("SuperSecret1", c.hadoop().get("fs.s3a.secret.key"));
        assertFalse(c.redactedJson().contains("SuperSecret1"), c.redactedJson());
        assertTrue(c.redactedJson().contains("127.0.0.1"));
    }

    @Test
    void everyExperimentConfigLoads() {
        for (String name : List.of("sample-local.conf", "cityscapes-seg.conf", "coco-det.conf", "s3.conf")) {
            File f = new File("conf", name);
            assertTrue(f.isFile(), name);
            ConfigLoader.load(f, List.of());
        }
    }
}
