package io.distill4j.config;

import com.typesafe.config.Config;

/**
 * Reads of the optional, kind-specific keys of a distillation term object (darkrank, holistic,
 * l-mcl options), each defaulting when absent and refused naming {@code where.key}.
 */
final class TermOptions {
    private TermOptions() {}

    /** An int key at least {@code min}, or {@code fallback} when absent. */
    static int atLeast(Config o, String where, String key, int fallback, int min) {
        int v = o.hasPath(key) ? o.getInt(key) : fallback;
        if (v < min) throw new ConfigException(where + "." + key + ": must be at least " + min + ", got " + v);
        return v;
    }

    /** A finite number above 0, or {@code fallback} when absent. */
    static double positive(Config o, String where, String key, double fallback) {
        double v = o.hasPath(key) ? o.getDouble(key) : fallback;
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ConfigException(where + "." + key + ": must be a finite number > 0, got " + v);
        }
        return v;
    }
}
