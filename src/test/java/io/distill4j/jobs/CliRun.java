package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distill4j.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One in-process run of the CLI on the test sample: exit code, standard output, standard error. */
record CliRun(int code, String out, String err) {
    /** {@code distill4j SUBCOMMAND <test settings for work and sample> extra...} through {@link Main#run}. */
    static CliRun of(Path work, Path sample, String subcommand, String... extra) {
        List<String> args = new ArrayList<>();
        args.add(subcommand);
        args.addAll(SparkTestSupport.overrides(
                work.toString(), sample.resolve("cityscapes").toString(), extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The one line a user reads; fails unless there is exactly one. */
    String errorLine() {
        List<String> lines = err.lines().filter(l -> l.contains(": error: ")).toList();
        assertEquals(1, lines.size(), "expected one error line, got:\n" + err);
        return lines.get(0);
    }
}
