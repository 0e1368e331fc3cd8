package io.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.SampleManifest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate-sample records its provenance and reuses a sample only when it was made with the same settings. */
class GenerateSampleReuseTest {
    @TempDir
    java.nio.file.Path dir;

    private int run(ByteArrayOutputStream err, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "generate-sample",
                "sample.output=\"" + dir.resolve("sample") + "\"",
                "sample.cityscapes={train=2, val=1, width=128, height=64}",
                "sample.coco={train=2, val=1, width=64, height=64}"));
        args.addAll(List.of(extra));
        return Main.run(
                args,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aSampleOfAnotherSeedIsNotReused() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(err), err.toString(StandardCharsets.UTF_8));
        SampleManifest m = Manifests.read(
                FileSystem.getLocal(new Configuration()),
                new Path(dir.resolve("sample").toUri()),
                SampleManifest.class);
        assertEquals(7, m.seed());
        assertEquals(7L, m.provenance().seed());
        assertEquals("7", m.provenance().settings().get("distill4j.sample.seed"));
        assertEquals("2", m.provenance().settings().get("distill4j.sample.cityscapes.train"));
        assertEquals(0, run(err), "same settings: kept");
        String before = Files.readString(dir.resolve("sample/_manifest.json"));

        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertEquals(1, run(refused, "sample.seed=8"));
        String line =
                refused.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertTrue(line.contains("distill4j.sample.seed is 7 there but 8 now") && line.contains("--overwrite"), line);
        assertEquals(before, Files.readString(dir.resolve("sample/_manifest.json")), "the sample is kept");
        assertEquals(0, run(err, "sample.seed=8", "--overwrite"));
        assertEquals(
                8,
                Manifests.read(
                                FileSystem.getLocal(new Configuration()),
                                new Path(dir.resolve("sample").toUri()),
                                SampleManifest.class)
                        .seed());
    }
}
