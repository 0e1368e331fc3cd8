package io.distill4j.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicOutputTest {
    @TempDir
    java.nio.file.Path tmp;

    private FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    private static ObjectNode manifest(String tag) {
        return Manifest.create("test").put("tag", tag);
    }

    @Test
    void commitMakesOutputVisibleWithManifestAndNoTempLeftBehind() throws Exception {
        Path target = new Path(tmp.toUri().toString(), "out");
        AtomicOutput o = AtomicOutput.begin(fs(), target, false);
        Files.writeString(java.nio.file.Path.of(o.tempDir().toUri()).resolve("data.txt"), "x");
        assertFalse(fs().exists(target), "nothing is visible before the commit");
        o.commit(manifest("a"));
        assertTrue(Manifest.exists(fs(), target));
        assertEquals("a", Manifest.read(fs(), target).path("tag").asText());
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count(), "only the committed output remains");
        }
    }

    @Test
    void anAbortAfterTheCommitTouchesNeitherTheOutputNorTheNextRunsLock() throws Exception {
        Path target = new Path(tmp.toUri().toString(), "out");
        AtomicOutput first = AtomicOutput.begin(fs(), target, false);
        first.commit(manifest("first"));
        AtomicOutput next = AtomicOutput.begin(fs(), target, true);
        first.abort();
        assertEquals("first", Manifest.read(fs(), target).path("tag").asText());
        assertTrue(fs().exists(next.tempDir()), "the next run's temporary sibling is its own");
        next.commit(manifest("next"));
        assertEquals("next", Manifest.read(fs(), target).path("tag").asText());
        assertThrows(IllegalStateException.class, () -> next.commit(manifest("again")));
    }

    @Test
    void existingCompleteOutputIsRefusedWithoutOverwrite() throws Exception {
        Path target = new Path(tmp.toUri().toString(), "out");
        AtomicOutput.begin(fs(), target, false).commit(manifest("a"));
        StageOutputException e =
                assertThrows(StageOutputException.class, () -> AtomicOutput.begin(fs(), target, false));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void abortedOverwriteKeepsThePreviousOutput() throws Exception {
        Path target = new Path(tmp.toUri().toString(), "out");
        AtomicOutput.begin(fs(), target, false).commit(manifest("old"));
        AtomicOutput second = AtomicOutput.begin(fs(), target, true);
        second.abort();
        assertEquals("old", Manifest.read(fs(), target).path("tag").asText());
        AtomicOutput third = AtomicOutput.begin(fs(), target, true);
        third.commit(manifest("new"));
        assertEquals("new", Manifest.read(fs(), target).path("tag").asText());
    }

    @Test
    void incompleteOutputIsTreatedAsAbsent() throws Exception {
        // An interrupted run of distill4j: its marker, some files, no manifest.
        Path target = new Path(tmp.toUri().toString(), "out");
        OutputMarker.write(fs(), target, StageRun.start("test"));
        fs().mkdirs(new Path(target, "half-written"));
        StageOutputException e = assertThrows(StageOutputException.class, () -> Manifest.read(fs(), target));
        assertTrue(e.getMessage().contains("_manifest.json is missing"), e.getMessage());
        AtomicOutput o = AtomicOutput.begin(fs(), target, false);
        o.commit(manifest("fresh"));
        assertFalse(fs().exists(new Path(target, "half-written")));
    }

    @Test
    void existingDirectoryGivenAsAPlainPathIsReplacedInPlace() throws Exception {
        // A user's plain local path to an existing directory (an interrupted output, or --overwrite).
        java.nio.file.Path dir = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(dir.resolve("stale"), "left by an interrupted run");
        Path target = Storage.path(dir.toString());
        OutputMarker.write(fs(), target, StageRun.start("test"));
        assertEquals(
                "out", target.getName(), "a trailing '/' would make the output's siblings land inside it: " + target);
        AtomicOutput.begin(fs(), target, false).commit(manifest("first"));
        AtomicOutput.begin(fs(), Storage.path(dir.toString()), true).commit(manifest("second"));
        assertEquals("second", Manifest.read(fs(), target).path("tag").asText());
        assertFalse(Files.exists(dir.resolve("stale")));
        try (var siblings = Files.list(tmp)) {
            assertEquals(java.util.List.of(dir), siblings.toList(), "temporary or moved-aside directories left behind");
        }
    }
}
