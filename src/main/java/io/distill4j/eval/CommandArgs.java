package io.distill4j.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --name value} options of the standalone evaluator commands. Unknown options and missing
 * values are errors that name the option, so a typo never silently falls back to a default.
 */
public final class CommandArgs {
    private final Map<String, String> values;

    private CommandArgs(Map<String, String> values) {
        this.values = values;
    }

    /** Parses {@code args}; {@code --help} is always accepted and takes no value. */
    public static CommandArgs parse(List<String> args, List<String> known) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (name.equals("--help") || name.equals("-h")) {
                values.put("--help", "");
                continue;
            }
            if (!known.contains(name)) throw new IllegalArgumentException("unknown option " + name);
            if (i + 1 >= args.size()) throw new IllegalArgumentException(name + " needs a value");
            values.put(name, args.get(++i));
        }
        return new CommandArgs(values);
    }

    /** Fails naming the option when it is absent (unless --help was given). */
    public void require(String name) {
        if (!values.containsKey(name) && !values.containsKey("--help")) {
            throw new IllegalArgumentException("missing " + name);
        }
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name) {
        return values.get(name);
    }

    public String getOrDefault(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }
}
