package io.distill4j.method;

import com.typesafe.config.Config;
import java.util.Set;

/**
 * The settings of an {@code at} term (Zagoruyko &amp; Komodakis 2017): the attention map is
 * {@code sum_c |F_c|^p}, and {@code beta / 2} scales the distance between the normalised maps.
 *
 * @param beta the paper's beta = 1000 (its CIFAR setting), a scale on top of the term's weight
 * @param p    the power of the attention map, at least 1 (the paper's 2)
 */
public record AttentionOptions(double beta, double p) implements MethodOptions {
    public static final AttentionOptions DEFAULTS = new AttentionOptions(1000.0, 2.0);

    static final Set<String> KEYS = Set.of("beta", "p");

    static AttentionOptions read(Config o, String where) {
        return new AttentionOptions(
                OptionReads.positive(o, where, "beta", DEFAULTS.beta),
                OptionReads.atLeast(o, where, "p", DEFAULTS.p, 1.0));
    }
}
