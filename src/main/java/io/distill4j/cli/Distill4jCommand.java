package io.distill4j.cli;

import io.distill4j.manifest.BuildInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code jobs/distill4j}: the subcommands ({@link Commands}), {@code --help} and {@code --version}.
 * Every subcommand declares {@code mixinStandardHelpOptions} too, so each has the same help style.
 */
@Command(
        name = "distill4j",
        mixinStandardHelpOptions = true,
        versionProvider = Distill4jCommand.Version.class,
        synopsisSubcommandLabel = "SUBCOMMAND",
        description = "Knowledge distillation for dense-prediction models as Spark jobs.",
        commandListHeading = "%nSubcommands:%n",
        footer = {
            "",
            "`jobs/distill4j SUBCOMMAND --help` describes one. Every configuration key, with its default and "
                    + "a comment, is in src/main/resources/reference.conf.",
            "The jobs/ scripts also take --master URL (run through spark-submit on that master) and read DISTILL4J_HEAP "
                    + "(the driver's heap, default 6g)."
        })
final class Distill4jCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** No subcommand: the list of them, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Cli.USAGE;
    }

    /** {@code --version}: the release and the commit it was built from. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo b = BuildInfo.current();
            return new String[] {"distill4j " + b.version() + " (git " + b.gitCommit() + ")"};
        }
    }
}
