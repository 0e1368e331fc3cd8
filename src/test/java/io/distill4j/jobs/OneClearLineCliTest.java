package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.util.NativeSetup;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the user's console shows when a stage fails or is interrupted: each case runs
 * {@code io.distill4j.cli.Main} in a child JVM started as {@code jobs/distill4j} starts it (the
 * project's {@code jobs/conf/log4j2.properties}, {@code DISTILL4J_LOG} pointing at a file), and
 * counts the lines that reach its stdout and stderr.
 */
@Tag("faults")
class OneClearLineCliTest {
    @TempDir
    static Path tmp;

    static Path sample;
    static Path work;
    static int runs;

    @BeforeAll
    static void shardsAndTeacher() throws Exception {
        NativeSetup.init();
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        try (ChildJvm shard = driver(List.of(), "shard")) {
            shard.awaitSuccess(240);
        }
        FaultTestSupport.writeUntrainedTeacher(SparkTestSupport.config(work, sample), 32, 64, 0);
        try (ChildJvm cache = driver(List.of(), "cache-teacher")) {
            cache.awaitSuccess(240);
        }
    }

    static Path logFile(int run) {
        return tmp.resolve("logs/distill4j-" + run + ".log");
    }

    /** {@code java ... io.distill4j.cli.Main SUBCOMMAND <test settings> extra...}; its log4j file is {@link #logFile}. */
    static ChildJvm driver(List<String> properties, String subcommand, String... extra) {
        runs++;
        return new CliJvm(work, sample, tmp.resolve("console"))
                .start(
                        subcommand + "-" + runs,
                        properties,
                        Map.of("DISTILL4J_LOG", logFile(runs).toString()),
                        subcommand,
                        extra);
    }

    static String q(Path p) {
        return "\"" + p + "\"";
    }

    static List<String> lines(ChildJvm jvm) {
        return jvm.log().lines().filter(l -> !l.isBlank()).toList();
    }

    /** Runs a command expected to fail; returns its console lines after checking the exit code and the committed outputs. */
    static List<String> failing(String subcommand, String... extra) throws Exception {
        Map<String, String> before = FaultTestSupport.fingerprintTree(work);
        List<String> console;
        try (ChildJvm run = driver(List.of(), subcommand, extra)) {
            assertEquals(1, run.await(240), "expected a failure" + run.tail());
            console = lines(run);
        }
        assertEquals(before, FaultTestSupport.fingerprintTree(work), "committed outputs changed by the failed run");
        console.forEach(l -> System.out.println("[one-line] " + subcommand + ": " + l));
        List<String> errors =
                console.stream().filter(l -> l.contains(": error: ")).toList();
        assertEquals(1, errors.size(), "one error line:\n" + String.join("\n", console));
        return console;
    }

    @Test
    void perSampleErrorInsideASparkTaskIsOneLineOnTheConsoleAndTheDetailIsInTheLogFile() throws Exception {
        Path city = tmp.resolve("cityscapes-odd-size");
        BrokenCopies.labelMapOfAnotherSize(sample, city);

        List<String> console =
                failing("shard", "dataset.root=" + q(city), "shard.output=" + q(tmp.resolve("shards-odd")));
        int run = runs;
        // The whole console: the error and where the detail is (the native back end's description goes to the
        // log). No Spark task-failure report.
        assertEquals(2, console.size(), String.join("\n", console));
        assertTrue(
                console.get(0).startsWith("distill4j shard: error: sample cityscapes/train/")
                        && console.get(0).contains("50x30"),
                console.get(0));
        assertEquals(
                "(details in " + logFile(run) + "; DISTILL4J_DEBUG=1 prints the stack trace here)", console.get(1));
        String log = Files.readString(logFile(run));
        assertTrue(
                log.contains("Exception in task") && log.contains("at io.distill4j."),
                "the log file keeps Spark's task-failure report with its stack trace");
    }

    @Test
    void fullDiskNamesTheOutputItsKeyAndTheStage() throws Exception {
        Path mount = Files.createDirectories(tmp.resolve("full-disk"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        Assumptions.assumeTrue(
                m.waitFor() == 0,
                "cannot mount a 1 MB tmpfs here (needs root): "
                        + new String(m.getInputStream().readAllBytes()).trim());
        try {
            // Leave 8 KB: the output directory can be created, its Parquet files cannot be written.
            try (OutputStream filler = Files.newOutputStream(mount.resolve("filler"))) {
                byte[] block = new byte[4096];
                while (mount.toFile().getUsableSpace() > 8192) filler.write(block);
            }
            Path output = mount.resolve("shards");
            List<String> console = failing("shard", "shard.output=" + q(output));
            String error = console.stream()
                    .filter(l -> l.contains(": error: "))
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    error.startsWith("distill4j shard: error: no space left on device writing the output " + output
                            + " (shard.output): its file system has "),
                    error);
            assertTrue(error.contains("committed outputs are unchanged"), error);
            try (Stream<Path> left = Files.list(mount)) {
                assertEquals(
                        List.of("filler"),
                        left.map(p -> p.getFileName().toString()).toList(),
                        "the failed run's temporary output is removed");
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor();
        }
    }

    @Test
    void ctrlCDuringDistillSaysWhatWasKeptAndTheRerunResumes() throws Exception {
        Path hold = tmp.resolve("hold-distill");
        Path run = work.resolve("runs/interrupted");
        List<String> console;
        try (ChildJvm first = driver(
                List.of("distill4j-fault.distill.hold=" + hold, "distill4j-fault.distill.hold.item=epoch-2"),
                "distill",
                "train.epochs=3",
                "distill.run-id=interrupted")) {
            FaultTestSupport.awaitHold(first, hold, "distill", 240);
            assertTrue(
                    Files.isRegularFile(run.resolve("checkpoints/epoch-0001.zip")),
                    "epoch 1 not checkpointed" + first.tail());
            Process kill = new ProcessBuilder(
                            "kill", "-INT", Long.toString(first.process().pid()))
                    .start();
            assertEquals(0, kill.waitFor());
            assertEquals(130, first.await(120), "exit code of a JVM ended by SIGINT" + first.tail());
            console = lines(first);
        }
        console.forEach(l -> System.out.println("[one-line] distill (Ctrl-C): " + l));
        String last = console.get(console.size() - 1);
        assertTrue(
                last.startsWith("distill4j distill: interrupted; kept ")
                        && last.endsWith(run.resolve("checkpoints/epoch-0001.zip")
                                + " (epoch 1 done); rerunning the same command resumes from there"),
                last);
        assertTrue(
                console.stream().noneMatch(l -> l.contains("error") || l.contains("Exception")),
                String.join("\n", console));

        try (ChildJvm rerun = driver(List.of(), "distill", "train.epochs=3", "distill.run-id=interrupted")) {
            assertEquals(0, rerun.await(240), "distill rerun failed" + rerun.tail());
            String log = rerun.log();
            assertTrue(log.contains("(epoch 1 of 3 done)"), "the rerun did not resume" + rerun.tail());
            assertFalse(log.contains("epoch 1/3"), "the rerun trained epoch 1 again" + rerun.tail());
        }
        assertTrue(Files.isRegularFile(run.resolve("_manifest.json")));
    }

    @Test
    void truncatedLastCheckpointFallsBackToThePreviousOne() throws Exception {
        // A run killed during epoch 2 of 3, whose epoch-2 checkpoint was then cut short (a full disk, a bad copy).
        Path hold = tmp.resolve("hold-truncated");
        Path run = work.resolve("runs/truncated");
        try (ChildJvm first = driver(
                List.of("distill4j-fault.distill.hold=" + hold, "distill4j-fault.distill.hold.item=epoch-3"),
                "distill",
                "train.epochs=3",
                "distill.run-id=truncated")) {
            FaultTestSupport.awaitHold(first, hold, "distill", 240);
            FaultTestSupport.killHard(first.process().pid());
        }
        Path second = run.resolve("checkpoints/epoch-0002.zip");
        byte[] bytes = Files.readAllBytes(second);
        BrokenCopies.replaceBytes(second, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        try (ChildJvm rerun = driver(List.of(), "distill", "train.epochs=3", "distill.run-id=truncated")) {
            assertEquals(0, rerun.await(240), "distill rerun failed" + rerun.tail());
            List<String> resumed = lines(rerun).stream()
                    .filter(l -> l.contains("resuming from"))
                    .toList();
            assertEquals(1, resumed.size(), rerun.tail());
            System.out.println("[one-line] distill (truncated checkpoint): " + resumed.get(0));
            assertTrue(
                    resumed.get(0)
                            .endsWith(
                                    "epoch-0001.zip (epoch 1 of 3 done): the newer checkpoint epoch-0002.zip is unreadable "
                                            + "(truncated?) and was moved aside to epoch-0002.zip.unreadable"),
                    resumed.get(0));
            assertTrue(rerun.log().contains("epoch 2/3") && rerun.log().contains("epoch 3/3"), rerun.tail());
        }
        assertTrue(Files.isRegularFile(run.resolve("_manifest.json")));
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/epoch-0002.zip.unreadable")));
    }
}
