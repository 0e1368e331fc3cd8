package io.distill4j.cli;

import java.util.List;

/** One subcommand of {@code jobs/distill4j}: a name, a one-line summary, a help text, and a run. */
public interface Command {
    /** The word a user types after {@code jobs/distill4j}. */
    String name();

    /** One line for {@code --help}. */
    String summary();

    /** Full usage text printed by {@code jobs/distill4j NAME --help}. */
    String usage();

    /**
     * Runs the command with the arguments that followed its name.
     *
     * @return the process exit code (0 on success)
     */
    int run(List<String> args) throws Exception;
}
