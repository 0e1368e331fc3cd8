package io.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigLoader;
import io.distill4j.manifest.BuildInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private static final List<String> SUBCOMMANDS = List.of(
            "generate-sample",
            "shard",
            "train-teacher",
            "cache-teacher",
            "distill",
            "evaluate",
            "pipeline",
            "export-onnx",
            "coco-eval",
            "cityscapes-eval");

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEverySubcommand() {
        for (String help : List.of("--help", "-h", "help")) {
            Run r = run(help);
            assertEquals(0, r.code, help);
            for (String c : SUBCOMMANDS) assertTrue(r.out.contains("  " + c + " "), c + " missing from:\n" + r.out);
        }
        assertEquals(2, run().code, "no subcommand is a usage error");
    }

    @Test
    void everySubcommandHasItsOwnHelpInOneStyle() {
        for (String c : SUBCOMMANDS) {
            Run r = run(c, "--help");
            assertEquals(0, r.code, c);
            assertTrue(r.out.startsWith("Usage: distill4j " + c + " "), c + ": " + r.out);
            assertTrue(r.out.contains("-h, --help"), c + ": " + r.out);
            assertEquals(r.out, run("help", c).out, "help SUBCOMMAND prints the same");
        }
        assertTrue(
                run("distill", "--help").out.contains("--conf=FILE"), "stage commands share the configuration options");
    }

    @Test
    void versionNamesTheReleaseAndCommit() {
        Run r = run("--version");
        assertEquals(0, r.code);
        BuildInfo b = BuildInfo.current();
        assertEquals("distill4j " + b.version() + " (git " + b.gitCommit() + ")", r.out.trim());
    }

    @Test
    void unknownSubcommandSuggestsTheClosest() {
        Run r = run("distil");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("distill4j: unknown subcommand 'distil'"), r.err);
        assertTrue(r.err.contains("did you mean distill?"), r.err);
    }

    @Test
    void unknownOptionSuggestsTheClosest() {
        Run r = run("shard", "--overwirte");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("distill4j shard: unknown option: '--overwirte'"), r.err);
        assertTrue(r.err.contains("did you mean --overwrite?"), r.err);
        assertTrue(r.err.contains("`jobs/distill4j shard --help`"), r.err);
    }

    @Test
    void unknownConfigurationKeySuggestsTheDeclaredOne() {
        Run r = run("generate-sample", "--print-config", "train.epoch=3");
        assertEquals(1, r.code);
        assertTrue(
                r.err.contains(
                        "unknown configuration key: distill4j.train.epoch (from command-line override train.epoch=3"),
                r.err);
        assertTrue(r.err.contains("did you mean distill4j.train.epochs?)"), r.err);
        assertFalse(
                run("generate-sample", "--print-config", "zzz.qqq=3").err.contains("did you mean"),
                "nothing close: no suggestion");
    }

    @Test
    void badConfigurationFailsWithOneLineNamingTheKey() {
        Run r = run("generate-sample", "sample.seed=abc");
        assertEquals(1, r.code);
        assertTrue(r.err.contains("distill4j.sample.seed: expected an integer"), r.err);
    }

    @Test
    void aWordThatIsNeitherOptionNorOverrideIsAUsageError() {
        Run r = run("shard", "overwrite");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("'overwrite' is neither an option nor a key=value override"), r.err);
    }

    @Test
    void confFilesAreLayeredInOrderThenOverrides() throws Exception {
        Path base = Files.writeString(
                dir.resolve("base.conf"), "distill4j { train { epochs = 5, seed = 3 }, work-dir = \"/tmp/base\" }");
        Path experiment = Files.writeString(dir.resolve("exp.conf"), "distill4j.train.epochs = 9");
        Run r = run(
                "distill",
                "--conf",
                base.toString(),
                "--conf=" + experiment,
                "train.learning-rate=0.5",
                "--print-config");
        assertEquals(0, r.code, r.err);
        Path printed = Files.writeString(dir.resolve("printed.conf"), r.out);
        var config = ConfigLoader.loadLayered(List.of(printed.toFile()), List.of());
        assertEquals(9, config.train().epochs(), "the later file wins");
        assertEquals(3, config.train().seed(), "what it does not set comes from the earlier");
        assertEquals(0.5, config.train().learningRate(), 0.0, "key=value overrides every file");
        assertEquals("/tmp/base/runs", config.distill().runsDir(), "defaults derived from work-dir follow it");
        Run swapped = run("distill", "--conf", experiment.toString(), "--conf", base.toString(), "--print-config");
        assertEquals(
                5,
                ConfigLoader.loadLayered(
                                List.of(Files.writeString(dir.resolve("swapped.conf"), swapped.out)
                                        .toFile()),
                                List.of())
                        .train()
                        .epochs(),
                "the order decides");
    }

    @Test
    void printConfigStartsNothing() {
        Run r = run("pipeline", "work-dir=" + dir.resolve("w"), "--print-config");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.startsWith("distill4j {"), r.out);
        assertFalse(Files.exists(dir.resolve("w")), "no stage ran");
    }

    @Test
    void printConfigRedactsCredentials() {
        Run r = run("shard", "hadoop.conf.\"fs.s3a.secret.key\"=hunter2", "--print-config");
        assertEquals(0, r.code, r.err);
        assertFalse(r.out.contains("hunter2"), r.out);
        assertTrue(r.out.contains("<redacted>"), r.out);
    }

    @Test
    void sparkStyleConfIsExplained() {
        Run r = run("distill", "--conf", "spark.executor.memory=8g");
        assertEquals(2, r.code);
        assertTrue(
                r.err.contains(
                        "Spark settings go under the key spark.conf, e.g. 'spark.conf.\"spark.executor.memory\"=8g'"),
                r.err);
        assertFalse(r.err.contains("not found"), r.err);
        Run kv = run("distill", "--conf", "train.epochs=3");
        assertEquals(2, kv.code);
        assertTrue(kv.err.contains("a key=value override is given without --conf: train.epochs=3"), kv.err);
    }

    @Test
    void theSuggestedSparkOverrideIsAccepted() {
        var config = ConfigLoader.loadLayered(List.of(), List.of("spark.conf.\"spark.executor.memory\"=8g"));
        assertEquals("8g", config.spark().extra().get("spark.executor.memory"));
    }

    @Test
    void usageErrorsOfAStandaloneCommandNameTheOption() {
        Run r = run("evaluate", "--model", "student.zip");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("distill4j evaluate: --model takes an .onnx file"), r.err);
    }
}
