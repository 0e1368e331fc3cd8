package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.storage.OutputMarker;
import io.distill4j.util.NativeSetup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15 through {@code io.distill4j.cli.Main}, as a user meets it: a stage never destroys what
 * is not its own. Every refusal is exit code 1 with exactly one {@code error:} line naming the
 * directory, and the user's files, the dataset and the committed outputs stay byte for byte as
 * they were (sizes, modification times, contents).
 */
@Tag("faults")
class OutputSafetyCliTest {
    @TempDir
    static Path tmp;

    static Path sample;
    static Path work;

    @BeforeAll
    static void committedOutputs() throws Exception {
        NativeSetup.init();
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        FaultTestSupport.commitThroughCli(work, sample);
    }

    static CliRun cli(String subcommand, String... extra) {
        return CliRun.of(work, sample, subcommand, extra);
    }

    /** {@code java ... io.distill4j.cli.Main SUBCOMMAND <test settings> extra...} in its own JVM. */
    static ChildJvm driver(List<String> properties, String subcommand, String... extra) {
        return new CliJvm(work, sample, tmp.resolve("logs"))
                .start(subcommand + "-" + UUID.randomUUID(), properties, Map.of(), subcommand, extra);
    }

    /** A tree's fingerprint without reader leases, whose heartbeats change while a reader runs. */
    static Map<String, String> fingerprint(Path dir) throws IOException {
        Map<String, String> m = new java.util.TreeMap<>(FaultTestSupport.fingerprintTree(dir));
        m.keySet().removeIf(k -> k.contains(".readers/") || k.contains(".readers\\"));
        return m;
    }

    static String q(Path p) {
        return "\"" + p + "\"";
    }

    /** A folder of the user's: files distill4j did not write. */
    static Path userFolder(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("photos"));
        Files.writeString(dir.resolve("thesis.tex"), "\\section{Results}\n");
        Files.write(dir.resolve("photos/cat.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 7, 7, 7});
        return dir;
    }

    /**
     * Runs a command that must be refused: exit 1, one error line naming {@code named} and
     * containing {@code expected}; the user's folder, the dataset and the work directory untouched.
     */
    static String refused(Path named, String expected, String subcommand, String... extra) throws IOException {
        Map<String, String> workBefore = fingerprint(work);
        Map<String, String> sampleBefore = FaultTestSupport.fingerprintTree(sample);
        Map<String, String> userBefore = Files.exists(named) ? FaultTestSupport.fingerprintTree(named) : Map.of();
        CliRun r = cli(subcommand, extra);
        assertEquals(1, r.code(), "expected a refusal:\n" + r.out() + r.err());
        String line = r.errorLine();
        System.out.println("[output-safety] " + subcommand + ": " + line);
        assertTrue(line.contains(named.toString()) && line.contains(expected), line);
        assertEquals(
                userBefore,
                Files.exists(named) ? FaultTestSupport.fingerprintTree(named) : Map.of(),
                "user files changed: " + line);
        assertEquals(sampleBefore, FaultTestSupport.fingerprintTree(sample), "the dataset changed: " + line);
        assertEquals(workBefore, fingerprint(work), "committed outputs changed: " + line);
        return line;
    }

    static List<String> hiddenSiblings(Path output) throws IOException {
        try (Stream<Path> s = Files.list(output.getParent())) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("." + output.getFileName() + "."))
                    .sorted()
                    .toList();
        }
    }

    static Path committedCache() throws IOException {
        try (Stream<Path> s = Files.list(work.resolve("teacher-cache"))) {
            return s.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void userFolderAsTheOutputOfEveryStageIsRefusedAndKept() throws Exception {
        Path mine = userFolder(tmp.resolve("my-folder"));
        String notOurs = "holds files distill4j did not write";
        refused(mine, notOurs, "generate-sample", "sample.output=" + q(mine), "--overwrite");
        refused(mine, notOurs, "shard", "shard.output=" + q(mine));
        refused(mine, notOurs, "shard", "shard.output=" + q(mine), "--overwrite");
        refused(mine, notOurs, "train-teacher", "teacher.dir=" + q(mine), "--overwrite");
        refused(
                mine,
                notOurs,
                "distill",
                "distill.runs-dir=" + q(tmp),
                "distill.run-id=my-folder",
                "--overwrite",
                "--no-resume");
        // cache-teacher writes <cache.output>/<teacher fingerprint>/: a user folder of that name.
        Path cacheRoot = tmp.resolve("my-caches");
        Path mineAsCache =
                userFolder(cacheRoot.resolve(committedCache().getFileName().toString()));
        refused(mineAsCache, notOurs, "cache-teacher", "cache.output=" + q(cacheRoot));
        assertEquals(List.of(), hiddenSiblings(mine), "no lock or temporary directory left beside the user's folder");
    }

    @Test
    void anOutputAtInsideOrAroundAnInputIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path root = sample.resolve("cityscapes");
        String line =
                refused(root, "is the input distill4j.dataset.root", "shard", "shard.output=" + q(root), "--overwrite");
        assertFalse(
                line.contains("dataset root") && line.contains("does not exist"), "the dataset is not blamed: " + line);
        refused(
                sample,
                "contains the input distill4j.dataset.root",
                "shard",
                "shard.output=" + q(sample),
                "--overwrite");
        refused(
                root.resolve("shards"),
                "lies inside the input distill4j.dataset.root",
                "shard",
                "shard.output=" + q(root.resolve("shards")));
        refused(
                work.resolve("shards"),
                "is the input distill4j.shard.output",
                "cache-teacher",
                "cache.output=" + q(work.resolve("shards")));
        refused(
                work.resolve("shards"),
                "is the input distill4j.shard.output",
                "train-teacher",
                "teacher.dir=" + q(work.resolve("shards")),
                "--overwrite");
    }

    @Test
    void anInterruptedOutputOfOurOwnIsReplaced() throws Exception {
        // What a killed shard run leaves when its commit was cut short on object storage: our
        // marker, part of the files, no manifest.
        Path out = tmp.resolve("shards-interrupted");
        Files.createDirectories(out.resolve("train"));
        Files.writeString(
                out.resolve(OutputMarker.FILE_NAME),
                "{\"run\": \"" + UUID.randomUUID()
                        + "\", \"stage\": \"shard\", \"host\": \"elsewhere\", \"pid\": 1, \"heartbeat\": \"2026-01-01T00:00:00Z\"}");
        Files.writeString(out.resolve("train/part-00007.parquet"), "half a file");
        CliRun r = cli("shard", "shard.output=" + q(out));
        assertEquals(0, r.code(), r.err());
        assertFalse(
                Files.exists(out.resolve("train/part-00007.parquet")), "the interrupted output's stale file survived");
        assertTrue(Files.exists(out.resolve("_manifest.json")));
        assertEquals(
                FaultTestSupport.sampleIds(work.resolve("shards"), "train"), FaultTestSupport.sampleIds(out, "train"));
        assertEquals(List.of(), hiddenSiblings(out));
    }

    @Test
    void aSecondRunStopsWhileTheFirstWritesThenAKilledRunsLockAndTempsAreCleanedUp() throws Exception {
        Path out = tmp.resolve("shards-race");
        Path hold = tmp.resolve("hold-shard");
        try (ChildJvm first =
                driver(List.of("distill4j-fault.shard.hold=" + hold), "shard", "shard.output=" + q(out))) {
            long pid = FaultTestSupport.awaitHold(first, hold, "shard", 240);
            assertEquals(first.process().pid(), pid);
            // The first run holds the lock: a second run on the same output stops with one line.
            String line =
                    refused(out, "is being written by another run", "shard", "shard.output=" + q(out), "--overwrite");
            assertTrue(line.contains("pid " + pid) && line.contains("shard run"), line);
            FaultTestSupport.killHard(pid);
        }
        List<String> left = hiddenSiblings(out);
        assertTrue(
                left.contains(".shards-race.lock") && left.stream().anyMatch(n -> n.startsWith(".shards-race.tmp-")),
                "the killed run leaves its lock and temporary directory: " + left);
        // A directory that only looks like a leftover is not ours and is kept.
        Path foreign = userFolder(tmp.resolve(".shards-race.tmp-" + UUID.randomUUID()));
        Map<String, String> foreignBefore = FaultTestSupport.fingerprintTree(foreign);

        // The stages print their progress on System.out; capture it around the in-process run.
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        CliRun rerun;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            rerun = cli("shard", "shard.output=" + q(out));
        } finally {
            System.setOut(saved);
        }
        String said = printed.toString(StandardCharsets.UTF_8);
        System.out.print(said);
        assertEquals(0, rerun.code(), rerun.err());
        assertTrue(said.contains("taking over the lock of a dead run"), said);
        assertTrue(said.contains("removed 1 leftover(s) of failed or killed runs beside file:" + out), said);
        assertEquals(List.of(foreign.getFileName().toString()), hiddenSiblings(out));
        assertEquals(foreignBefore, FaultTestSupport.fingerprintTree(foreign));
        assertEquals(
                FaultTestSupport.sampleIds(work.resolve("shards"), "train"), FaultTestSupport.sampleIds(out, "train"));
    }

    @Test
    void overwriteIsRefusedWhileAnotherStageReadsTheOutput() throws Exception {
        Path hold = tmp.resolve("hold-cache");
        Path cacheOut = tmp.resolve("cache-while-reading");
        try (ChildJvm reader = driver(
                List.of("distill4j-fault.cache-teacher.hold=" + hold),
                "cache-teacher",
                "cache.output=" + q(cacheOut))) {
            long pid = FaultTestSupport.awaitHold(reader, hold, "cache-teacher", 240);
            String line = refused(work.resolve("shards"), "being read by cache-teacher run", "shard", "--overwrite");
            assertTrue(line.contains("pid " + pid), line);
            FaultTestSupport.killHard(pid);
        }
    }
}
