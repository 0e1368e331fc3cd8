package io.distill4j.method;

import com.typesafe.config.Config;
import java.util.Set;

/**
 * The settings of a {@code pairwise} term (Liu et al. 2019): the affinity matrix has one row per
 * spatial node, so large maps are average-pooled over {@code pool x pool} cells first.
 *
 * @param pool the cell size (it must divide the tap's height and width); 0 or 1 compares every position
 */
public record PairwiseOptions(int pool) implements MethodOptions {
    public static final PairwiseOptions DEFAULTS = new PairwiseOptions(0);

    static final Set<String> KEYS = Set.of("pool");

    static PairwiseOptions read(Config o, String where) {
        return new PairwiseOptions(OptionReads.atLeast(o, where, "pool", DEFAULTS.pool, 0));
    }
}
