package io.distill4j.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The one entry point: {@code jobs/distill4j SUBCOMMAND [--conf FILE]... [key=value ...]}.
 * The same class runs under spark-submit and in the embedded local mode.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Spark's background threads (block manager, listeners) can die of an interrupt while a failed
        // stage shuts down; Java would print their stack traces on the console after our one error
        // line. They belong in the log file, beside Spark's own report.
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> org.slf4j.LoggerFactory.getLogger("distill4j.uncaught")
                .warn("uncaught exception in thread " + t.getName(), e));
        // Status lines get the time of day; the comparison table and the error lines stay as they are.
        System.setOut(StampedLines.around(System.out));
        PrintStream console = StrayStderr.toLog();
        int code = run(Arrays.asList(args), System.out, console);
        System.exit(code);
    }

    /** Runs a command line and returns the exit code: 0 success, 1 failure, 2 usage error, 130 interrupted. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return Cli.execute(new Distill4jCommand(), args, out, err);
    }
}
