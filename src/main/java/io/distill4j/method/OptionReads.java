package io.distill4j.method;

import com.typesafe.config.Config;

/**
 * Reads of a term object's optional method keys, each defaulting when absent and refused naming
 * {@code where.key} (the configuration turns the refusal into its ConfigException).
 */
final class OptionReads {
    private OptionReads() {}

    /** An int key at least {@code min}, or {@code fallback} when absent. */
    static int atLeast(Config o, String where, String key, int fallback, int min) {
        int v = o.hasPath(key) ? o.getInt(key) : fallback;
        if (v < min) throw new IllegalArgumentException(where + "." + key + ": must be at least " + min + ", got " + v);
        return v;
    }

    /** A finite number above 0, or {@code fallback} when absent. */
    static double positive(Config o, String where, String key, double fallback) {
        double v = o.hasPath(key) ? o.getDouble(key) : fallback;
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(where + "." + key + ": must be a finite number > 0, got " + v);
        }
        return v;
    }

    /** A finite number at least {@code min}, or {@code fallback} when absent. */
    static double atLeast(Config o, String where, String key, double fallback, double min) {
        double v = o.hasPath(key) ? o.getDouble(key) : fallback;
        if (!(v >= min) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(
                    where + "." + key + ": must be a finite number >= " + min + ", got " + v);
        }
        return v;
    }
}
