package io.distill4j.cli;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments every pipeline subcommand shares: {@code --conf FILE}, {@code key=value}
 * configuration overrides, and the subcommand's own flags ({@code --overwrite}, {@code --resume}, ...),
 * which map to configuration keys or switches.
 */
public final class CommandLine {
    private final File conf;
    private final List<String> overrides;
    private final Map<String, String> options;
    private final boolean help;

    private CommandLine(File conf, List<String> overrides, Map<String, String> options, boolean help) {
        this.conf = conf;
        this.overrides = List.copyOf(overrides);
        this.options = Map.copyOf(options);
        this.help = help;
    }

    /**
     * Parses arguments.
     *
     * @param flags   flags without a value the command accepts (e.g. "--overwrite")
     * @param valued  options that take a value (e.g. "--out")
     */
    public static CommandLine parse(List<String> args, Set<String> flags, Set<String> valued) {
        File conf = null;
        List<String> overrides = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
            } else if (a.equals("--conf")) {
                if (i + 1 >= args.size()) throw new UsageException("--conf needs a file");
                conf = new File(args.get(++i));
            } else if (a.startsWith("--conf=")) {
                conf = new File(a.substring("--conf=".length()));
            } else if (flags.contains(a)) {
                options.put(a, "true");
            } else if (valued.contains(a)) {
                if (i + 1 >= args.size()) throw new UsageException(a + " needs a value");
                options.put(a, args.get(++i));
            } else if (a.startsWith("--") && a.contains("=") && valued.contains(a.substring(0, a.indexOf('=')))) {
                options.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else if (!a.startsWith("-") && a.contains("=")) {
                overrides.add(a);
            } else {
                throw new UsageException("unknown argument '" + a + "'");
            }
        }
        return new CommandLine(conf, overrides, options, help);
    }

    public boolean help() {
        return help;
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public String option(String name) {
        return options.get(name);
    }

    public List<String> overrides() {
        return overrides;
    }

    /** Loads the configuration, with {@code extra} overrides (from flags) applied last. */
    public Distill4jConfig config(String... extra) {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(List.of(extra));
        return ConfigLoader.load(conf, all);
    }

    /** Thrown for malformed command lines; the CLI prints it with the command's usage. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
