package io.distill4j.method;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * The settings of a {@code darkrank} distillation term (Chen et al. AAAI 2018): the score
 * {@code -alpha * ||q - c||^beta}, how many nearest candidates each query ranks, and whether the
 * teacher's ranking is transferred soft (KL over all orders of the list) or hard (its likelihood).
 */
public record DarkRankOptions(double alpha, double beta, int listSize, boolean soft) implements MethodOptions {
    public static final double DEFAULT_ALPHA = 3.0;
    public static final double DEFAULT_BETA = 3.0;
    public static final int DEFAULT_LIST_SIZE = 4;
    /** Soft transfer enumerates listSize! orders: 6! = 720 per query is the most allowed. */
    public static final int MAX_SOFT_LIST_SIZE = 6;
    /** The paper's alpha = beta = 3, four candidates, soft transfer. */
    public static final DarkRankOptions DEFAULTS =
            new DarkRankOptions(DEFAULT_ALPHA, DEFAULT_BETA, DEFAULT_LIST_SIZE, true);

    /** The keys a darkrank term may carry besides the common ones. */
    static final java.util.Set<String> KEYS = java.util.Set.of("alpha", "beta", "list-size", "mode");

    /** Reads the optional darkrank keys of a term object, each defaulting to {@link #DEFAULTS}. */
    static DarkRankOptions read(Config o, String where) {
        double alpha = OptionReads.positive(o, where, "alpha", DEFAULT_ALPHA);
        double beta = OptionReads.positive(o, where, "beta", DEFAULT_BETA);
        int listSize = o.hasPath("list-size") ? o.getInt("list-size") : DEFAULT_LIST_SIZE;
        String mode = o.hasPath("mode") ? o.getString("mode").toLowerCase(Locale.ROOT) : "soft";
        if (!mode.equals("soft") && !mode.equals("hard")) {
            throw new IllegalArgumentException(where + ".mode: must be soft or hard, got '" + mode + "'");
        }
        boolean soft = mode.equals("soft");
        if (listSize < 2 || (soft && listSize > MAX_SOFT_LIST_SIZE)) {
            throw new IllegalArgumentException(where + ".list-size: must be at least 2"
                    + (soft
                            ? " and at most " + MAX_SOFT_LIST_SIZE + " with mode soft (it enumerates list-size! orders)"
                            : "")
                    + ", got " + listSize);
        }
        return new DarkRankOptions(alpha, beta, listSize, soft);
    }

    /** "soft" or "hard", as written in the configuration. */
    public String mode() {
        return soft ? "soft" : "hard";
    }
}
