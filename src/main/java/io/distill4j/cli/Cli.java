package io.distill4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs a picocli command ({@code jobs/distill4j} itself, or one subcommand alone in tests and
 * embeddings) with distill4j's exit codes and error lines: 0 success, 1 failure (one line naming
 * the key, file or sample, then where the details are), 2 usage error (the message, a "did you
 * mean" when one is close, and where the help is), 130 interrupted.
 */
public final class Cli {
    /** Exit code of a malformed command line (picocli's default, kept). */
    public static final int USAGE = 2;

    private Cli() {}

    /** Parses {@code args} for {@code command} and runs it; never throws. */
    public static int execute(Object command, List<String> args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(command);
        if (command instanceof Distill4jCommand) {
            Commands.all().forEach(cl::addSubcommand);
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        configure(cl, out, err);
        return cl.execute(args.toArray(String[]::new));
    }

    private static void configure(CommandLine cl, PrintStream out, PrintStream err) {
        // key=value overrides are plain words: '@file' must not be read as an argument file.
        cl.setExpandAtFiles(false);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler(usageError(err));
        cl.setExecutionExceptionHandler(failure(err));
        cl.setUsageHelpWidth(100);
    }

    private static IParameterExceptionHandler usageError(PrintStream err) {
        return (ex, args) -> {
            CommandLine at = ex.getCommandLine();
            String name = qualifiedName(at);
            String message = ex.getMessage();
            if (ex instanceof UnmatchedArgumentException u
                    && at.getParent() == null
                    && !at.getSubcommands().isEmpty()
                    && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().get(0).startsWith("-")) {
                message = "unknown subcommand '" + u.getUnmatched().get(0) + "'";
            }
            err.println(name + ": " + lowerFirst(message));
            if (ex instanceof UnmatchedArgumentException u
                    && !u.getSuggestions().isEmpty()) {
                // picocli orders them by similarity; beyond the first they are rarely what was meant.
                err.println("did you mean " + u.getSuggestions().get(0) + "?");
            }
            err.println("`jobs/" + name + " --help` lists "
                    + (at.getSubcommands().isEmpty() ? "its options" : "the subcommands"));
            return USAGE;
        };
    }

    private static IExecutionExceptionHandler failure(PrintStream err) {
        return (e, cl, parsed) -> {
            if (e instanceof ParameterException p)
                return cl.getParameterExceptionHandler().handleParseException(p, new String[0]);
            // Ctrl-C: the failure is the job the shutdown cancelled; InterruptNotice has said what was kept.
            if (InterruptNotice.shuttingDown()) return 130;
            err.println(qualifiedName(cl) + ": error: " + Errors.describe(e));
            if (System.getenv("DISTILL4J_DEBUG") != null) e.printStackTrace(err);
            else
                err.println(LogFile.path()
                        .map(f -> "(details in " + f + "; DISTILL4J_DEBUG=1 prints the stack trace here)")
                        .orElse("(set DISTILL4J_DEBUG=1 for the stack trace)"));
            return 1;
        };
    }

    /** "distill4j shard", or the subcommand's own name when it runs alone. */
    private static String qualifiedName(CommandLine cl) {
        String name = cl.getCommandSpec().qualifiedName();
        return name.startsWith("distill4j") ? name : "distill4j " + name;
    }

    private static String lowerFirst(String s) {
        if (s == null || s.isEmpty()) return "malformed command line";
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1)
                : s;
    }
}
