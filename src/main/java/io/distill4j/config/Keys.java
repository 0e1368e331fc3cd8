package io.distill4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of one configuration subtree, each failure naming the full key and where its value
 * came from ("conf/x.conf: 12" or "command-line override ..."). Only the record factories in this
 * package use it: the rest of the code sees immutable records, never string lookups.
 */
final class Keys {
    private final Config config;
    private final String prefix;

    Keys(Config root, String prefix) {
        this.config = root;
        this.prefix = prefix;
    }

    Keys child(String name) {
        return new Keys(config, key(name));
    }

    private String key(String name) {
        return prefix + "." + name;
    }

    /** A problem with this subtree's key {@code name} that only a check across records can see. */
    ConfigException invalid(String name, String problem) {
        return error(name, problem);
    }

    private ConfigException error(String name, String problem) {
        String k = key(name);
        String origin = config.hasPathOrNull(k) ? config.getValue(k).origin().description() : "reference.conf";
        return new ConfigException(k + ": " + problem + " (" + origin + ")");
    }

    private <T> T read(String name, java.util.function.Function<String, T> getter, String type) {
        String k = key(name);
        if (!config.hasPath(k)) throw error(name, "missing required value");
        try {
            return getter.apply(k);
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw error(
                    name,
                    "expected " + type + ", got "
                            + config.getValue(k).valueType().name().toLowerCase(Locale.ROOT) + " "
                            + config.getValue(k).render());
        }
    }

    String string(String name) {
        return read(name, config::getString, "a string");
    }

    String nonEmpty(String name) {
        String v = string(name);
        if (v.isBlank()) throw error(name, "must not be empty");
        return v;
    }

    boolean bool(String name) {
        return read(name, config::getBoolean, "true or false");
    }

    int intIn(String name, int min, int max) {
        int v = read(name, config::getInt, "an integer");
        if (v < min || v > max) {
            throw error(name, "must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    long longIn(String name, long min, long max) {
        long v = read(name, config::getLong, "an integer");
        if (v < min || v > max) throw error(name, "must be in " + min + ".." + max + ", got " + v);
        return v;
    }

    /**
     * A size in bytes: a plain integer or HOCON's size units ({@code 512m}, {@code 6g}, {@code 6GiB};
     * k, m, g are powers of 1024), between {@code min} and {@code max}.
     */
    long bytesIn(String name, long min, long max) {
        long v;
        try {
            v = read(name, config::getBytes, "a size such as 512m or 6g");
        } catch (com.typesafe.config.ConfigException.BadValue e) {
            throw error(
                    name,
                    "expected a size such as 512m or 6g, got "
                            + config.getValue(key(name)).render());
        }
        if (v < min || v > max) throw error(name, "must be in " + min + ".." + max + " bytes, got " + v);
        return v;
    }

    double doubleIn(String name, double min, double max) {
        double v = read(name, config::getDouble, "a number");
        if (!(v >= min && v <= max)) throw error(name, "must be in " + min + ".." + max + ", got " + v);
        return v;
    }

    /** A list of numbers, e.g. {@code [0.5, 2.0]}. */
    List<Double> numbers(String name) {
        return List.copyOf(read(name, config::getDoubleList, "a list of numbers"));
    }

    List<String> strings(String name) {
        return List.copyOf(read(name, config::getStringList, "a list of strings"));
    }

    /** One of {@code allowed}, compared case-insensitively, returned lower-case. */
    String oneOf(String name, String... allowed) {
        String v = string(name).toLowerCase(Locale.ROOT);
        for (String a : allowed) if (a.equals(v)) return v;
        throw error(name, "must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    /** A free-form object of string values (e.g. extra Spark settings), in file order. */
    Map<String, String> stringMap(String name) {
        String k = key(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (!config.hasPath(k)) return Map.of();
        if (config.getValue(k).valueType() != ConfigValueType.OBJECT) throw error(name, "expected an object");
        for (Map.Entry<String, ConfigValue> e : config.getConfig(k).entrySet()) {
            // Keys such as "spark.executor.memory" arrive quoted; hand them on unquoted.
            out.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
        }
        return Map.copyOf(out);
    }
}
