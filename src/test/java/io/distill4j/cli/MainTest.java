package io.distill4j.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEverySubcommand() {
        Run r = run("--help");
        assertEquals(0, r.code);
        for (String c : List.of("generate-sample", "shard", "train-teacher", "cache-teacher", "distill", "evaluate",
                "pipeline", "coco-eval", "cityscapes-eval")) {
            assertTrue(r.out.contains("  " + c + " "), c + " missing from:\n" + r.out);
        }
    }

    @Test
    void everySubcommandHasItsOwnHelp() {
        for (Command c : Main.commands().values()) {
            Run r = run(c.name(), "--help");
            assertEquals(0, r.code, c.name());
            assertTrue(r.out.contains(c.name()), c.name() + ": " + r.out);
        }
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        Run r = run("distil");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("unknown subcommand 'distil'"), r.err);
    }

    @Test
    void badConfigurationFailsWithOneLineNamingTheKey() {
        Run r = run("generate-sample", "sample.seed=abc");
        assertEquals(1, r.code);
        assertTrue(r.err.contains("distill4j.sample.seed: expected an integer"), r.err);
    }

    @Test
    void malformedArgumentIsAUsageError() {
        Run r = run("shard", "--bogus");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("unknown argument '--bogus'"), r.err);
    }
}
