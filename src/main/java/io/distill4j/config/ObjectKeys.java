package io.distill4j.config;

import com.typesafe.config.Config;
import java.util.Set;
import java.util.TreeSet;

/** Unknown-key check for objects inside lists, which reference.conf cannot enumerate. */
final class ObjectKeys {
    private ObjectKeys() {}

    static void check(Config object, String where, Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(object.root().keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new ConfigException(where + ": unknown key(s) " + unknown + "; allowed: " + new TreeSet<>(allowed)
                    + " (" + object.origin().description() + ")");
        }
    }
}
