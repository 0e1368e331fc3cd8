package io.distill4j.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one entry point: {@code jobs/distill4j SUBCOMMAND [--conf FILE] [key=value ...]}.
 * The same class runs under spark-submit and in the embedded local mode.
 */
public final class Main {
    private Main() {}

    /** Every subcommand, in the order {@code --help} lists them. */
    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        for (Command c : Commands.all()) m.put(c.name(), c);
        return m;
    }

    public static void main(String[] args) {
        // Spark's background threads (block manager, listeners) can die of an interrupt while a failed
        // stage shuts down; Java would print their stack traces on the console after our one error
        // line. They belong in the log file, beside Spark's own report.
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> org.slf4j.LoggerFactory.getLogger("distill4j.uncaught")
                .warn("uncaught exception in thread " + t.getName(), e));
        int code = run(Arrays.asList(args), System.out, System.err);
        System.exit(code);
    }

    /** Runs a command line and returns the exit code: 0 success, 1 failure, 2 usage error. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            out.print(usage(commands));
            return args.isEmpty() ? 2 : 0;
        }
        Command c = commands.get(args.get(0));
        if (c == null) {
            err.println("distill4j: unknown subcommand '" + args.get(0) + "'");
            err.print(usage(commands));
            return 2;
        }
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(c.usage());
            return 0;
        }
        try {
            return c.run(rest);
        } catch (CommandLine.UsageException e) {
            err.println("distill4j " + c.name() + ": " + e.getMessage());
            err.println(c.usage());
            return 2;
        } catch (Exception | Error e) {
            // Ctrl-C: the failure is the job the shutdown cancelled; InterruptNotice has said what was kept.
            if (InterruptNotice.shuttingDown()) return 130;
            err.println("distill4j " + c.name() + ": error: " + Errors.describe(e));
            if (System.getenv("DISTILL4J_DEBUG") != null) e.printStackTrace(err);
            else err.println(LogFile.path().map(f -> "(details in " + f + "; DISTILL4J_DEBUG=1 prints the stack trace here)")
                    .orElse("(set DISTILL4J_DEBUG=1 for the stack trace)"));
            return 1;
        }
    }

    static String usage(Map<String, Command> commands) {
        StringBuilder b = new StringBuilder();
        b.append("usage: jobs/distill4j SUBCOMMAND [--conf FILE] [key=value ...]\n\n");
        b.append("Knowledge distillation for dense-prediction models as Spark jobs.\n\nSubcommands:\n");
        for (Command c : commands.values()) b.append(String.format("  %-16s %s%n", c.name(), c.summary()));
        b.append("\n`jobs/distill4j SUBCOMMAND --help` describes one. Configuration keys: src/main/resources/reference.conf.\n");
        return b.toString();
    }
}
