package io.distill4j.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {
    @TempDir
    java.nio.file.Path dir;

    private static Provenance provenance() {
        return new Provenance(
                "0.1.0",
                "0123456789abcdef0123456789abcdef01234567",
                "17",
                "CpuBackend",
                "local[2]",
                7L,
                Map.of("shards", new InputRef("/w/shards", "aaaa")),
                Map.of("distill4j.train.seed", "7"),
                "ffff",
                "2026-01-01T00:00:00Z",
                "2026-01-01T00:01:00Z");
    }

    @Test
    void aRunManifestReadsBackIntoItsRecordWithSnakeCaseKeys() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path out = new Path(dir.toUri());
        RunManifest m = new RunManifest(
                RunManifest.STAGE,
                "2026-01-01T00:01:00Z",
                provenance(),
                "kd",
                "student.zip",
                null,
                "beef",
                "cached",
                "teacher/teacher.zip",
                "dl4j",
                "resize=32x64",
                "student",
                "segmentation",
                "cityscapes",
                19,
                4,
                null,
                null,
                null,
                2,
                1.5,
                0,
                List.of("logits"),
                List.of(new RunManifest.Term("kd_logits", "pixel-kd", "logits", "logits", 1.0, 4.0, null)),
                "train",
                Map.of("train", 8L));
        Manifest.write(fs, out, Manifests.toJson(m));
        ObjectNode raw = Manifest.read(fs, out);
        assertEquals("beef", raw.path("teacher_fingerprint").asText());
        assertEquals(
                "0123456789abcdef0123456789abcdef01234567",
                raw.path("provenance").path("git_commit").asText());
        assertEquals(
                "aaaa",
                raw.path("provenance")
                        .path("inputs")
                        .path("shards")
                        .path("fingerprint")
                        .asText());
        assertEquals(m, Manifests.read(fs, out, RunManifest.class));
        assertEquals(m, Manifests.readModel(fs, out));
        StageOutputException e =
                assertThrows(StageOutputException.class, () -> Manifests.read(fs, out, ShardManifest.class));
        assertTrue(e.getMessage().contains("stage 'distill', not of shard"), e.getMessage());
    }

    @Test
    void aManifestOfAnOlderVersionReadsWithoutProvenance() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path out = new Path(dir.toUri());
        ObjectNode old = Manifest.create("shard");
        old.put("dataset", "cityscapes").put("height", 64).put("width", 128);
        old.putObject("count").put("train", 8).put("val", 4);
        Manifest.write(fs, out, old);
        ShardManifest m = Manifests.read(fs, out, ShardManifest.class);
        assertEquals(List.of("train", "val"), List.copyOf(m.count().keySet()), "split order is kept");
        assertNull(m.provenance());
        assertNull(m.fingerprint());
        assertEquals(
                "it records no settings (written by an older distill4j)",
                Reuse.whyNot(m, new StageSettings(Map.of()), Map.of()).orElseThrow());
    }

    @Test
    void reuseNamesTheInputWhoseFingerprintChanged() {
        TeacherManifest t = new TeacherManifest(
                "now",
                provenance(),
                "fp",
                "teacher.zip",
                "t",
                new ModelFacts("segmentation", "cityscapes", 19, 4, null, null, null),
                "pre",
                2,
                "/w/shards",
                "train",
                8);
        StageSettings same = provenance().stageSettings();
        assertTrue(Reuse.whyNot(t, same, Map.of("shards", new InputRef("/w/shards", "aaaa")))
                .isEmpty());
        assertEquals(
                "its input shards /w/shards had fingerprint aaaa but /w/shards has bbbb now",
                Reuse.whyNot(t, same, Map.of("shards", new InputRef("/w/shards", "bbbb")))
                        .orElseThrow());
    }

    /** The test may ask git; the production code may not (the commit is embedded at build time). */
    private static String gitHead() throws Exception {
        Process p = new ProcessBuilder("git", "rev-parse", "HEAD")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void theBuildRecordsItsVersionAndCommit() throws Exception {
        BuildInfo b = BuildInfo.current();
        assertEquals("0.1.0-SNAPSHOT", b.version());
        assertTrue(b.gitCommit().matches("[0-9a-f]{40}"), "a full git commit embedded at build time: " + b.gitCommit());
        // the commit of the tree being built: HEAD of this worktree, not of another one of the same clone
        assertEquals(gitHead(), b.gitCommit());
    }
}
