package io.distill4j.manifest;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a stage output was made: the build (version, commit), the runtime (Java, ND4J back end,
 * Spark master), the seed, the inputs it read with their fingerprints, the settings that decide
 * it with their fingerprint, and when it started and finished. Every stage manifest carries one.
 *
 * @param seed     the training seed (null for stages without randomness)
 * @param inputs   by role ("shards", "teacher", "cache"), empty for a stage that reads only sources
 * @param settings the configuration keys that decide the output, fully qualified, with their values
 *                 rendered as HOCON/JSON ({@link StageSettings})
 */
public record Provenance(
        String distill4jVersion,
        String gitCommit,
        String java,
        String nd4jBackend,
        String sparkMaster,
        Long seed,
        Map<String, InputRef> inputs,
        Map<String, String> settings,
        String settingsFingerprint,
        String started,
        String finished) {
    public Provenance {
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /** The provenance of an output whose stage started at {@code started} and finishes now. */
    public static Provenance of(
            Instant started, String sparkMaster, Long seed, Map<String, InputRef> inputs, StageSettings settings) {
        return of(started, loadedNd4jBackend(), sparkMaster, seed, inputs, settings);
    }

    /** As {@link #of(Instant, String, Long, Map, StageSettings)} for a stage that names its own ND4J back end ("none"). */
    public static Provenance of(
            Instant started,
            String nd4jBackend,
            String sparkMaster,
            Long seed,
            Map<String, InputRef> inputs,
            StageSettings settings) {
        BuildInfo b = BuildInfo.current();
        return new Provenance(
                b.version(),
                b.gitCommit(),
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                nd4jBackend,
                sparkMaster,
                seed,
                inputs,
                settings.values(),
                settings.fingerprint(),
                started.toString(),
                Instant.now().toString());
    }

    /** The ND4J back end class and the native library NativeSetup found loaded. */
    static String loadedNd4jBackend() {
        io.distill4j.util.NativeStatus s = io.distill4j.util.NativeSetup.status();
        return org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getName() + " " + s.nativeLibrary()
                + (s.oneDnnBuild() ? " (oneDNN)" : "");
    }

    public StageSettings stageSettings() {
        return new StageSettings(settings);
    }

    /** The input of a role, or null when the output records none (an older distill4j). */
    public InputRef input(String role) {
        return inputs.get(role);
    }
}
