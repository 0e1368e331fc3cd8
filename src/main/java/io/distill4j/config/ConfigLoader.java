package io.distill4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the one resolved configuration a run uses, in Typesafe Config's order:
 * system properties over {@code key=value} arguments over the {@code --conf} files (the last one
 * given first) over reference.conf.
 *
 * <p>Resolution happens once over the whole stack (not per layer) so that overriding
 * {@code distill4j.work-dir} moves every default path derived from it. Any key under
 * {@code distill4j} that reference.conf does not declare is rejected with the file it came from:
 * a typo must fail loudly rather than silently fall back to a default.
 */
public final class ConfigLoader {
    static final String ROOT = "distill4j";
    /** Subtrees whose keys are free-form maps handed through to Spark or Hadoop. */
    private static final List<String> FREE_FORM = List.of("distill4j.spark.conf", "distill4j.hadoop.conf");

    private ConfigLoader() {}

    /** Loads and validates; {@code confFile} may be null. */
    public static Distill4jConfig load(File confFile, List<String> overrides) {
        return Distill4jConfig.from(loadRaw(confFile, overrides));
    }

    /** Loads and validates with several {@code --conf} files, layered in order: each later file overrides the earlier. */
    public static Distill4jConfig loadLayered(List<File> confFiles, List<String> overrides) {
        return Distill4jConfig.from(loadRawLayered(confFiles, overrides));
    }

    /** Loads, resolves and checks for unknown keys, without binding to records. */
    public static Config loadRaw(File confFile, List<String> overrides) {
        return loadRawLayered(confFile == null ? List.of() : List.of(confFile), overrides);
    }

    /** As {@link #loadRaw(File, List)} with {@code --conf} files layered in order. */
    public static Config loadRawLayered(List<File> confFiles, List<String> overrides) {
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
        Config file = ConfigFactory.empty();
        for (File confFile : confFiles) {
            if (!confFile.isFile()) {
                throw new ConfigException("configuration file not found: " + confFile);
            }
            try {
                file = ConfigFactory.parseFile(
                                confFile, ConfigParseOptions.defaults().setAllowMissing(false))
                        .withFallback(file);
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException("cannot parse " + confFile + ": " + e.getMessage(), e);
            }
        }
        Config cli = parseOverrides(overrides);
        Config system = ConfigFactory.systemProperties().withOnlyPath(ROOT);
        if (!ConfigFactory.systemProperties().hasPath(ROOT)) {
            system = ConfigFactory.empty();
        }
        Config merged;
        try {
            merged = system.withFallback(cli)
                    .withFallback(file)
                    .withFallback(reference)
                    .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(false));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("configuration error: " + e.getMessage(), e);
        }
        checkNoUnknownKeys(merged, reference);
        return merged;
    }

    static Config parseOverrides(List<String> overrides) {
        Config cli = ConfigFactory.empty();
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("command-line override '" + kv + "' is not of the form key=value");
            }
            String key = kv.substring(0, eq).trim();
            String value = kv.substring(eq + 1);
            String fullKey = key.startsWith(ROOT + ".") ? key : ROOT + "." + key;
            Config one;
            try {
                // HOCON syntax first, so lists and objects work (splits=[train,val]) ...
                one = ConfigFactory.parseString(
                        fullKey + " = " + value,
                        ConfigParseOptions.defaults().setOriginDescription("command-line override " + kv));
            } catch (com.typesafe.config.ConfigException e) {
                // ... and a plain string when the value is not valid HOCON (paths with ':' etc.).
                one = ConfigFactory.parseMap(Map.of(fullKey, value), "command-line override " + kv);
            }
            cli = one.withFallback(cli);
        }
        return cli;
    }

    /**
     * The {@code distill4j} tree as HOCON that {@code --conf} reads back to the same configuration
     * (what {@code --print-config} prints).
     */
    public static String render(Config resolved) {
        return resolved.withOnlyPath(ROOT)
                .root()
                .render(ConfigRenderOptions.defaults()
                        .setOriginComments(false)
                        .setComments(false)
                        .setJson(false)
                        .setFormatted(true));
    }

    private static void checkNoUnknownKeys(Config merged, Config reference) {
        Set<String> unknown = new TreeSet<>();
        List<String> messages = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : merged.getConfig(ROOT).entrySet()) {
            String key = ROOT + "." + e.getKey();
            if (FREE_FORM.stream().anyMatch(p -> key.startsWith(p + "."))) continue;
            if (!reference.hasPathOrNull(key) && unknown.add(key)) {
                messages.add(key + " (from " + e.getValue().origin().description()
                        + KeySuggestion.closest(key, reference)
                                .map(k -> "; did you mean " + k + "?")
                                .orElse("") + ")");
            }
        }
        if (!messages.isEmpty()) {
            throw new ConfigException("unknown configuration key" + (messages.size() > 1 ? "s: " : ": ")
                    + String.join("; ", messages) + ". Every key is listed in reference.conf.");
        }
    }
}
