package io.distill4j.cli;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The arguments every configured subcommand shares: {@code --conf FILE} (repeatable, layered in
 * order), {@code key=value} overrides, and {@code --print-config}.
 */
final class ConfigOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--conf",
            paramLabel = "FILE",
            description = "an experiment configuration (HOCON), e.g. conf/sample-local.conf; repeat it to layer files "
                    + "in order (base first, each later one overrides the earlier)")
    private List<String> confFiles = new ArrayList<>();

    @Option(
            names = "--print-config",
            description =
                    "print the resolved configuration (reference.conf, the --conf files, the key=value overrides) "
                            + "and exit; the output is itself a --conf file")
    private boolean printConfig;

    @Parameters(
            paramLabel = "key=value",
            arity = "0..*",
            description =
                    "override any configuration key (prefix distill4j. optional), applied after every --conf file")
    private List<String> overrides = new ArrayList<>();

    boolean printConfig() {
        return printConfig;
    }

    /** Loads the configuration once, with {@code extra} overrides (from the command's flags) applied last. */
    Distill4jConfig load(String... extra) {
        List<File> files = new ArrayList<>();
        for (String f : confFiles) files.add(confFile(f));
        List<String> all = new ArrayList<>();
        for (String kv : overrides) {
            if (kv.indexOf('=') <= 0) {
                throw new ParameterException(
                        spec.commandLine(), "'" + kv + "' is neither an option nor a key=value override");
            }
            all.add(kv);
        }
        all.addAll(List.of(extra));
        return ConfigLoader.loadLayered(files, all);
    }

    /** Prints the configuration a run would use as HOCON another run can read with --conf. */
    void print(Distill4jConfig config) {
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.print(ConfigLoader.render(config.resolvedConfig()));
        out.flush();
    }

    /**
     * A {@code --conf} value that is no file but looks like a setting is a user who meant Spark's
     * or distill4j's key=value: say which, instead of "file not found".
     */
    private File confFile(String value) {
        File f = new File(value);
        int eq = value.indexOf('=');
        if (f.exists() || eq <= 0) return f;
        String key = value.substring(0, eq);
        if (key.startsWith("spark.")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--conf " + value + ": distill4j's --conf takes a configuration "
                            + "file; Spark settings go under the key spark.conf, e.g. 'spark.conf.\"" + key + "\"="
                            + value.substring(eq + 1)
                            + "' (or distill4j.spark.conf { \"" + key + "\" = ... } in a --conf file)");
        }
        throw new ParameterException(
                spec.commandLine(),
                "--conf " + value + ": --conf takes a configuration file; "
                        + "a key=value override is given without --conf: " + value);
    }
}
