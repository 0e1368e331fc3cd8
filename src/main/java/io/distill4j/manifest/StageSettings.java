package io.distill4j.manifest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration values that decide one stage's output, by fully qualified key
 * ({@code distill4j.shard.height} -> {@code 64}), taken from the resolved configuration. Recorded
 * in the manifest with their fingerprint so a rerun can tell whether an existing output was made
 * with the same settings, and name the one that differs when it was not.
 */
public record StageSettings(Map<String, String> values) {
    private static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise();

    public StageSettings {
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * The values of {@code keys} (leaves or whole subtrees, which are flattened to their leaves)
     * in {@code resolved}; a key the configuration does not hold is recorded as {@code null}.
     */
    public static StageSettings of(Config resolved, List<String> keys) {
        Map<String, String> v = new TreeMap<>();
        for (String key : keys) {
            if (!resolved.hasPathOrNull(key) || resolved.getIsNull(key)) {
                v.put(key, "null");
                continue;
            }
            ConfigValue value = resolved.getValue(key);
            if (value.valueType() == com.typesafe.config.ConfigValueType.OBJECT) {
                for (Map.Entry<String, ConfigValue> e : resolved.getConfig(key).entrySet()) {
                    v.put(key + "." + e.getKey(), e.getValue().render(CONCISE));
                }
            } else {
                v.put(key, value.render(CONCISE));
            }
        }
        return new StageSettings(v);
    }

    /** SHA-256 over the sorted {@code key=value} lines, first 16 hex digits. */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> e : values.entrySet()) {
                md.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /**
     * The first key (in key order) whose value differs between an existing output's settings and
     * these, as "KEY is OLD there but NEW now"; empty when both are the same.
     */
    public Optional<String> firstDifference(StageSettings existing) {
        TreeMap<String, String> all = new TreeMap<>(existing.values);
        all.putAll(values);
        for (String key : all.keySet()) {
            String was = existing.values.get(key);
            String now = values.get(key);
            if (!java.util.Objects.equals(was, now)) {
                return Optional.of(key + " is " + (was == null ? "not recorded" : was) + " there but "
                        + (now == null ? "not set" : now) + " now");
            }
        }
        return Optional.empty();
    }
}
