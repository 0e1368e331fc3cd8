package io.distill4j.config;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** The reference.conf key an unknown key was most likely meant to be: the "did you mean" of a typo. */
final class KeySuggestion {
    private KeySuggestion() {}

    /**
     * The declared key closest to {@code key} by edit distance, if it is close enough to be a typo
     * (at most a third of the key's last segment, and at least one edit allowed).
     */
    static Optional<String> closest(String key, Config reference) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        int allowed = Math.max(2, last.length() / 3);
        LevenshteinDistance distance = new LevenshteinDistance(allowed);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Map.Entry<String, ?> e : reference.getConfig(ConfigLoader.ROOT).entrySet()) {
            String candidate = ConfigLoader.ROOT + "." + e.getKey();
            int d = distance.apply(key, candidate);
            if (d >= 0 && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }
}
