package io.distill4j.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage rules that keep a stage from destroying what is not its own (issue #15), on the
 * local file system: ownership, one writer at a time, readers' leases, leftovers of killed runs.
 * {@code S3OutputSafetyTest} runs the same rules against an S3 server.
 */
class OutputSafetyTest {
    @TempDir
    java.nio.file.Path tmp;

    private static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    private Path target(String name) {
        return Storage.path(tmp.resolve(name).toString());
    }

    private static ObjectNode manifest(String tag) {
        return Manifest.create("test").put("tag", tag);
    }

    /** A user's folder: two files and a subfolder, none of them distill4j's. */
    private java.nio.file.Path userFolder(String name) throws Exception {
        java.nio.file.Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("thesis.tex"), "\\section{Results}\n");
        Files.createDirectories(dir.resolve("photos"));
        Files.write(dir.resolve("photos/cat.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        return dir;
    }

    /** Every regular file under {@code dir} with its size, modification time and contents. */
    static Map<String, String> snapshot(java.nio.file.Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            for (java.nio.file.Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(f);
                m.put(
                        dir.relativize(f).toString(),
                        b.length + " bytes, mtime "
                                + Files.getLastModifiedTime(f).toMillis() + ", " + java.util.Arrays.hashCode(b));
            }
        }
        return m;
    }

    private List<String> siblingsOf(String name) throws Exception {
        try (Stream<java.nio.file.Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("." + name + "."))
                    .sorted()
                    .toList();
        }
    }

    private static void writeLock(Path output, StageRun holder) throws Exception {
        SmallFiles.replace(fs(), OutputLock.lockFile(output), holder.toJson());
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    // --- a directory that is not ours is never deleted, replaced or written into

    @Test
    void userFolderAsAtomicOutputIsRefusedEvenWithOverwriteAndKeptByteForByte() throws Exception {
        java.nio.file.Path dir = userFolder("my-folder");
        Map<String, String> before = snapshot(dir);
        for (boolean overwrite : new boolean[] {false, true}) {
            StageOutputException e = assertThrows(
                    StageOutputException.class,
                    () -> AtomicOutput.begin(
                            fs(), target("my-folder"), overwrite, "shard", "distill4j.shard.output", s -> {}));
            assertTrue(
                    e.getMessage().contains(dir.toString())
                            && e.getMessage().contains("distill4j.shard.output")
                            && e.getMessage().contains("did not write"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
        assertEquals(before, snapshot(dir));
        assertEquals(List.of(), siblingsOf("my-folder"), "no lock or temporary directory left beside it");
    }

    @Test
    void userFolderAsInPlaceOutputIsRefusedAndKeptByteForByte() throws Exception {
        java.nio.file.Path dir = userFolder("my-run");
        Map<String, String> before = snapshot(dir);
        StageOutputException e = assertThrows(
                StageOutputException.class,
                () -> OwnedDirectory.claim(
                        fs(), target("my-run"), "distill", "distill4j.distill.run-id", null, s -> {}));
        assertTrue(e.getMessage().contains("did not write") && e.getMessage().contains(dir.toString()), e.getMessage());
        assertEquals(before, snapshot(dir));
        assertEquals(List.of(), siblingsOf("my-run"));
        // A run directory that is not claimed refuses to be cleared too.
        assertThrows(
                StageOutputException.class, () -> new io.distill4j.train.RunDirectory(fs(), target("my-run")).clear());
        assertEquals(before, snapshot(dir));
    }

    @Test
    void aFileWhereTheOutputDirectoryShouldBeIsRefused() throws Exception {
        Files.writeString(tmp.resolve("notes"), "mine");
        assertThrows(StageOutputException.class, () -> AtomicOutput.begin(fs(), target("notes"), true));
        assertEquals("mine", Files.readString(tmp.resolve("notes")));
    }

    @Test
    void emptyFolderIsUsedAndCommittedOutputCarriesTheMarker() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        AtomicOutput o = AtomicOutput.begin(fs(), target("empty"), false);
        assertTrue(
                Files.exists(java.nio.file.Path.of(o.tempDir().toUri()).resolve(OutputMarker.FILE_NAME)),
                "the marker is the temporary directory's first file");
        o.commit(manifest("a"));
        assertEquals(
                o.run().run(),
                OutputMarker.read(fs(), target("empty")).orElseThrow().run());
        assertEquals(
                OutputMarker.Kind.OURS,
                OutputMarker.state(fs(), target("empty")).kind());
        assertEquals(List.of(), siblingsOf("empty"), "lock released, nothing left beside the output");
    }

    @Test
    void outputOfAnOlderVersionIsRecognisedByItsManifest() throws Exception {
        java.nio.file.Path dir = Files.createDirectories(tmp.resolve("old-shards"));
        Files.writeString(dir.resolve(Manifest.FILE_NAME), Manifest.JSON.writeValueAsString(Manifest.create("shard")));
        assertEquals(
                OutputMarker.Kind.OURS,
                OutputMarker.state(fs(), target("old-shards")).kind());
        AtomicOutput.begin(fs(), target("old-shards"), true).commit(manifest("new"));
        assertEquals(
                "new", Manifest.read(fs(), target("old-shards")).path("tag").asText());
        // A user's JSON file of the same name without distill4j's fields is not taken for ours.
        java.nio.file.Path user = userFolder("their-data");
        Files.writeString(user.resolve(Manifest.FILE_NAME), "{\"stage\": \"alpha\"}");
        assertEquals(
                OutputMarker.Kind.FOREIGN,
                OutputMarker.state(fs(), target("their-data")).kind());
    }

    // --- one writer at a time; a commit re-checks

    @Test
    void twoConcurrentRunsOnOneOutputExactlyOneWins() throws Exception {
        int runs = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                String tag = "run-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        AtomicOutput o = AtomicOutput.begin(
                                fs(), target("race"), false, "shard", "distill4j.shard.output", s -> {});
                        Files.writeString(
                                java.nio.file.Path.of(o.tempDir().toUri()).resolve("data.txt"), tag);
                        Thread.sleep(300);
                        o.commit(manifest(tag));
                        return "won " + tag;
                    } catch (StageOutputException e) {
                        return "lost: " + e.getMessage();
                    }
                }));
            }
            start.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) outcomes.add(f.get());
            List<String> won =
                    outcomes.stream().filter(o -> o.startsWith("won")).toList();
            assertEquals(1, won.size(), outcomes.toString());
            for (String o : outcomes) {
                if (o.startsWith("lost")) {
                    // A loser may find the winner's lock file created but not yet written (OutputLock's torn case).
                    assertTrue(
                            o.contains("being written by another run")
                                    || o.contains("is locked by another run")
                                    || o.contains("already exists"),
                            o);
                }
            }
            String tag = won.get(0).substring(4);
            assertEquals(tag, Manifest.read(fs(), target("race")).path("tag").asText());
            assertEquals(tag, Files.readString(tmp.resolve("race/data.txt")));
            assertEquals(List.of(), siblingsOf("race"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void secondRunStopsWithOneLineNamingTheOutputAndTheOtherRun() throws Exception {
        AtomicOutput first = AtomicOutput.begin(fs(), target("out"), false, "shard", "distill4j.shard.output", s -> {});
        StageOutputException e = assertThrows(
                StageOutputException.class,
                () -> AtomicOutput.begin(fs(), target("out"), true, "shard", "distill4j.shard.output", s -> {}));
        String run = first.run().run().substring(0, 8);
        assertTrue(
                e.getMessage().contains(target("out").toString())
                        && e.getMessage().contains(run)
                        && e.getMessage()
                                .contains("pid " + ProcessHandle.current().pid()),
                e.getMessage());
        first.commit(manifest("first"));
        assertEquals("first", Manifest.read(fs(), target("out")).path("tag").asText());
    }

    @Test
    void aCommitThatLostItsLockIsDiscardedAndTheWinnersOutputKept() throws Exception {
        // What object storage without create-if-absent allows: the lock is gone, a second run
        // writes and commits; the first run's commit must then refuse, not replace.
        AtomicOutput a = AtomicOutput.begin(fs(), target("out"), false);
        Files.delete(java.nio.file.Path.of(OutputLock.lockFile(target("out")).toUri()));
        AtomicOutput b = AtomicOutput.begin(fs(), target("out"), false);
        b.commit(manifest("b"));
        StageOutputException e = assertThrows(StageOutputException.class, () -> a.commit(manifest("a")));
        assertTrue(e.getMessage().contains("discarded"), e.getMessage());
        assertEquals("b", Manifest.read(fs(), target("out")).path("tag").asText());
        assertEquals(List.of(), siblingsOf("out"), "the loser's temporary directory is removed");
    }

    @Test
    void aCommitRechecksThatTheTargetIsStillWhatBeginSaw() throws Exception {
        AtomicOutput a = AtomicOutput.begin(fs(), target("out"), false);
        // Another run's committed output appears under the held lock (a lock not honoured by a
        // foreign tool, or an S3 race): the commit compares it with what begin() saw.
        OutputMarker.write(fs(), target("out"), StageRun.start("other"));
        Manifest.write(fs(), target("out"), manifest("other"));
        StageOutputException e = assertThrows(StageOutputException.class, () -> a.commit(manifest("a")));
        assertTrue(e.getMessage().contains("changed while this run wrote it"), e.getMessage());
        assertEquals("other", Manifest.read(fs(), target("out")).path("tag").asText());
    }

    @Test
    void lockOfADeadProcessOnThisHostIsTakenOverSayingSo() throws Exception {
        Instant now = Instant.now();
        StageRun dead = new StageRun(UUID.randomUUID().toString(), "shard", StageRun.thisHost(), deadPid(), now, now);
        writeLock(target("out"), dead);
        List<String> said = new ArrayList<>();
        AtomicOutput o = AtomicOutput.begin(fs(), target("out"), false, "shard", "distill4j.shard.output", said::add);
        o.commit(manifest("x"));
        assertEquals(1, said.size(), said.toString());
        assertTrue(
                said.get(0).contains("taking over the lock of a dead run")
                        && said.get(0).contains(dead.run().substring(0, 8)),
                said.get(0));
    }

    @Test
    void lockOfAnotherHostIsTakenOverOnlyAfterItsHeartbeatStops() throws Exception {
        Instant now = Instant.now();
        StageRun live =
                new StageRun(UUID.randomUUID().toString(), "distill", "other-host", 4242, now.minusSeconds(3600), now);
        writeLock(target("out"), live);
        StageOutputException e =
                assertThrows(StageOutputException.class, () -> AtomicOutput.begin(fs(), target("out"), false));
        assertTrue(e.getMessage().contains("other-host") && e.getMessage().contains("pid 4242"), e.getMessage());
        Instant silent = now.minus(Heartbeats.STALE_AFTER).minusSeconds(1);
        writeLock(target("out"), new StageRun(live.run(), "distill", "other-host", 4242, silent, silent));
        List<String> said = new ArrayList<>();
        AtomicOutput.begin(fs(), target("out"), false, "shard", "k", said::add).abort();
        assertTrue(said.stream().anyMatch(s -> s.contains("taking over")), said.toString());
    }

    @Test
    void heartbeatKeepsALongRunsLockFresh() throws Exception {
        OutputLock lock = OutputLock.acquire(fs(), target("out"), "distill", s -> {});
        try {
            Instant written =
                    OutputLock.current(fs(), lock.file()).orElseThrow().heartbeat();
            Thread.sleep(Heartbeats.INTERVAL.toMillis() + 1500);
            Instant later = OutputLock.current(fs(), lock.file()).orElseThrow().heartbeat();
            assertTrue(later.isAfter(written), written + " -> " + later);
        } finally {
            lock.close();
        }
        assertFalse(Files.exists(java.nio.file.Path.of(lock.file().toUri())), "released lock removed");
    }

    // --- readers

    @Test
    void overwriteIsRefusedWhileALiveReaderHoldsALease() throws Exception {
        AtomicOutput.begin(fs(), target("shards"), false).commit(manifest("v1"));
        Map<String, String> before = snapshot(tmp.resolve("shards"));
        ReaderLease lease =
                ReaderLease.register(fs(), target("shards"), "distill", s -> {}).orElseThrow();
        StageOutputException e =
                assertThrows(StageOutputException.class, () -> AtomicOutput.begin(fs(), target("shards"), true));
        assertTrue(
                e.getMessage()
                        .contains("being read by distill run "
                                + lease.reader().run().substring(0, 8)),
                e.getMessage());
        assertEquals(before, snapshot(tmp.resolve("shards")));
        // A reader that registers after begin() is still seen by the commit.
        AtomicOutput o = AtomicOutput.begin(fs(), target("shards-2"), false);
        o.commit(manifest("v1"));
        AtomicOutput over = AtomicOutput.begin(fs(), target("shards-2"), true);
        ReaderLease late = ReaderLease.register(fs(), target("shards-2"), "evaluate", s -> {})
                .orElseThrow();
        assertThrows(StageOutputException.class, () -> over.commit(manifest("v2")));
        assertEquals("v1", Manifest.read(fs(), target("shards-2")).path("tag").asText());
        late.close();
        lease.close();
        AtomicOutput.begin(fs(), target("shards"), true).commit(manifest("v2"));
        assertEquals("v2", Manifest.read(fs(), target("shards")).path("tag").asText());
        assertEquals(List.of(), siblingsOf("shards"), "leases and their directory are removed when released");
    }

    @Test
    void staleLeaseDoesNotBlockForever() throws Exception {
        AtomicOutput.begin(fs(), target("shards"), false).commit(manifest("v1"));
        Instant old = Instant.now().minus(Heartbeats.STALE_AFTER).minus(Duration.ofSeconds(5));
        StageRun gone = new StageRun(UUID.randomUUID().toString(), "distill", "other-host", 7, old, old);
        SmallFiles.createNew(
                fs(), new Path(ReaderLease.leaseDir(target("shards")), gone.run() + ".json"), gone.toJson());
        StageRun deadHere = new StageRun(
                UUID.randomUUID().toString(), "distill", StageRun.thisHost(), deadPid(), Instant.now(), Instant.now());
        SmallFiles.createNew(
                fs(), new Path(ReaderLease.leaseDir(target("shards")), deadHere.run() + ".json"), deadHere.toJson());
        assertEquals(List.of(), ReaderLease.liveReaders(fs(), target("shards")));
        AtomicOutput.begin(fs(), target("shards"), true).commit(manifest("v2"));
        assertEquals("v2", Manifest.read(fs(), target("shards")).path("tag").asText());
    }

    @Test
    void startingARunOverIsRefusedWhileItIsRead() throws Exception {
        try (OwnedDirectory run =
                OwnedDirectory.claim(fs(), target("run"), "distill", "distill4j.distill.run-id", null, s -> {})) {
            Files.writeString(tmp.resolve("run/student.zip"), "model");
            try (ReaderLease lease = ReaderLease.register(fs(), target("run"), "evaluate", s -> {})
                    .orElseThrow()) {
                StageOutputException e = assertThrows(StageOutputException.class, run::clear);
                assertTrue(e.getMessage().contains("being read by evaluate"), e.getMessage());
                assertTrue(Files.exists(tmp.resolve("run/student.zip")));
            }
            run.clear();
            assertFalse(Files.exists(tmp.resolve("run/student.zip")));
            assertTrue(Files.exists(tmp.resolve("run/" + OutputMarker.FILE_NAME)), "the cleared run stays ours");
        }
    }

    // --- leftovers of killed runs

    @Test
    void staleTempsOfAKilledRunAreRemovedAndAForeignOneIsKept() throws Exception {
        // A killed run's temporary and moved-aside directories (they carry the marker) ...
        Instant then = Instant.now().minusSeconds(60);
        StageRun killed =
                new StageRun(UUID.randomUUID().toString(), "shard", StageRun.thisHost(), deadPid(), then, then);
        Path killedTemp = new Path(target("out").getParent(), ".out.tmp-" + UUID.randomUUID());
        OutputMarker.write(fs(), killedTemp, killed);
        Files.writeString(java.nio.file.Path.of(killedTemp.toUri()).resolve("part-00000.parquet"), "half");
        Path killedOld = new Path(target("out").getParent(), ".out.old-" + UUID.randomUUID());
        OutputMarker.write(fs(), killedOld, killed);
        // A temp of a live process (this one) whose lock was lost is not removed under it.
        Path liveTemp = new Path(target("out").getParent(), ".out.tmp-" + UUID.randomUUID());
        OutputMarker.write(fs(), liveTemp, StageRun.start("shard"));
        // ... and a user's directory that only looks like one, and another output's temp.
        java.nio.file.Path foreign = Files.createDirectories(tmp.resolve(".out.tmp-y"));
        Files.writeString(foreign.resolve("keep.txt"), "mine");
        java.nio.file.Path foreignUuid = Files.createDirectories(tmp.resolve(".out.tmp-" + UUID.randomUUID()));
        Files.writeString(foreignUuid.resolve("keep.txt"), "mine too");
        Path otherOutputsTemp = new Path(target("out").getParent(), ".other.tmp-" + UUID.randomUUID());
        OutputMarker.write(fs(), otherOutputsTemp, StageRun.start("shard"));
        Map<String, String> foreignBefore = snapshot(foreign);
        Map<String, String> foreignUuidBefore = snapshot(foreignUuid);

        List<String> said = new ArrayList<>();
        AtomicOutput.begin(fs(), target("out"), false, "shard", "distill4j.shard.output", said::add)
                .commit(manifest("x"));

        assertFalse(Files.exists(java.nio.file.Path.of(killedTemp.toUri())));
        assertFalse(Files.exists(java.nio.file.Path.of(killedOld.toUri())));
        assertEquals(foreignBefore, snapshot(foreign));
        assertEquals(foreignUuidBefore, snapshot(foreignUuid));
        assertTrue(
                Files.exists(java.nio.file.Path.of(otherOutputsTemp.toUri())),
                "another output's temp is not this run's to judge");
        assertTrue(Files.exists(java.nio.file.Path.of(liveTemp.toUri())), "a live process's temp is kept");
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).startsWith("removed 2 leftover(s)"), said.get(0));
    }

    @Test
    void tempFilesOfKilledTasksInsideAnOwnedOutputAreRemovedOnResume() throws Exception {
        try (OwnedDirectory cache =
                OwnedDirectory.claim(fs(), target("cache"), "cache-teacher", "distill4j.cache.output", null, s -> {})) {
            Files.createDirectories(tmp.resolve("cache/train"));
            Files.writeString(tmp.resolve("cache/train/part-00000.parquet"), "committed");
        }
        String leftover = ".part-00001.parquet.tmp-" + UUID.randomUUID();
        Files.writeString(tmp.resolve("cache/train/" + leftover), "half");
        Files.writeString(tmp.resolve("cache/train/.notes.tmp-mine"), "not a distill4j temp name");
        List<String> said = new ArrayList<>();
        try (OwnedDirectory cache = OwnedDirectory.claim(
                fs(), target("cache"), "cache-teacher", "distill4j.cache.output", null, said::add)) {
            assertFalse(Files.exists(tmp.resolve("cache/train/" + leftover)));
            assertEquals("committed", Files.readString(tmp.resolve("cache/train/part-00000.parquet")));
            assertTrue(Files.exists(tmp.resolve("cache/train/.notes.tmp-mine")));
            assertTrue(said.get(0).contains(leftover), said.toString());
        }
    }

    // --- outputs apart from inputs

    @Test
    void outputAtInsideOrAroundAnInputIsRefused() {
        Path root = Storage.path("/data/cityscapes");
        Map<String, Path> inputs = Map.of("distill4j.dataset.root", root);
        for (String out : List.of("/data/cityscapes", "/data/cityscapes/", "/data/cityscapes/shards", "/data", "/")) {
            StageOutputException e = assertThrows(
                    StageOutputException.class,
                    () -> OutputPlacement.requireApart("distill4j.shard.output", Storage.path(out), inputs),
                    out);
            assertTrue(
                    e.getMessage().contains("distill4j.dataset.root")
                            && e.getMessage().contains("distill4j.shard.output"),
                    e.getMessage());
        }
        for (String out : List.of("/data/cityscapes-shards", "/data/shards", "/work/shards")) {
            OutputPlacement.requireApart("distill4j.shard.output", Storage.path(out), inputs);
        }
        OutputPlacement.requireApart(
                "k", new Path("s3a://bucket-a/data/x"), Map.of("i", new Path("s3a://bucket-b/data")));
        assertThrows(
                StageOutputException.class,
                () -> OutputPlacement.requireApart(
                        "k", new Path("s3a://bucket/data/x"), Map.of("i", new Path("s3a://bucket/data"))));
        assertEquals(
                "output /data/cityscapes",
                assertThrows(
                                StageOutputException.class,
                                () -> OutputPlacement.requireApart("k", Storage.path("/data/cityscapes"), inputs))
                        .getMessage()
                        .replace("file:", "")
                        .substring(0, "output /data/cityscapes".length()));
    }

    @Test
    void markerIsValidJsonNamingTheRun() throws Exception {
        AtomicOutput o = AtomicOutput.begin(fs(), target("out"), false, "shard", "k", s -> {});
        o.commit(manifest("x"));
        String json = Files.readString(tmp.resolve("out/" + OutputMarker.FILE_NAME), StandardCharsets.UTF_8);
        assertEquals("shard", Manifest.JSON.readTree(json).path("stage").asText());
        assertEquals(o.run().run(), Manifest.JSON.readTree(json).path("run").asText());
    }
}
