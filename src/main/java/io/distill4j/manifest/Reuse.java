package io.distill4j.manifest;

import java.util.Map;
import java.util.Optional;

/**
 * The reuse rule: an existing output may stand for the one a run asks for only when it records
 * the same deciding settings and was made from inputs with the same fingerprints. The answer is
 * the reason it may not, naming the setting or the input that differs.
 */
public final class Reuse {
    private Reuse() {}

    /**
     * @param wantedInputs the inputs this run would read, by role; roles the existing output does
     *                     not record, or this run does not know yet, are not compared
     */
    public static Optional<String> whyNot(
            StageManifest existing, StageSettings wanted, Map<String, InputRef> wantedInputs) {
        Provenance p = existing.provenance();
        if (p == null || p.settings().isEmpty()) {
            return Optional.of("it records no settings (written by an older distill4j)");
        }
        Optional<String> setting = wanted.firstDifference(p.stageSettings());
        if (setting.isPresent()) return setting;
        for (Map.Entry<String, InputRef> e : p.inputs().entrySet()) {
            InputRef now = wantedInputs.get(e.getKey());
            if (now != null
                    && !java.util.Objects.equals(now.fingerprint(), e.getValue().fingerprint())) {
                return Optional.of("its input " + e.getKey() + " "
                        + e.getValue().path() + " had fingerprint "
                        + e.getValue().fingerprint() + " but " + now.path() + " has " + now.fingerprint() + " now");
            }
        }
        return Optional.empty();
    }
}
