package io.distill4j.method;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * How an {@code l-mcl} term weighs its (student tap, peer tap) pairs (Yang et al., TPAMI 2023):
 * uniformly (weight / pairs each), or per anchor by meta-learned weights trained between epochs
 * with a one-step look-ahead (docs/methods-mcl.md).
 *
 * @param meta             whether the weights are meta-learned ({@code layer-weights = "meta"})
 * @param metaSteps        look-ahead meta steps (one minibatch each) before every epoch
 * @param metaLearningRate Adam learning rate of the meta parameters
 * @param metaVirtualLr    eta of the virtual plain-SGD step theta' = theta - eta grad L
 * @param metaDim          d, the rows of the query and key maps Wq, Wk [d x 128]
 */
public record LayerWeightOptions(
        boolean meta, int metaSteps, double metaLearningRate, double metaVirtualLr, int metaDim)
        implements MethodOptions {
    /** Uniform weights; the meta settings a {@code layer-weights = "meta"} term starts from. */
    public static final LayerWeightOptions DEFAULTS = new LayerWeightOptions(false, 4, 1e-3, 0.01, 16);

    /** The keys an l-mcl term may carry besides the common ones. */
    static final java.util.Set<String> KEYS =
            java.util.Set.of("layer-weights", "meta-steps", "meta-learning-rate", "meta-virtual-lr", "meta-dim");

    /** DEFAULTS with meta-learned weights switched on. */
    public static LayerWeightOptions metaDefaults() {
        LayerWeightOptions d = DEFAULTS;
        return new LayerWeightOptions(true, d.metaSteps, d.metaLearningRate, d.metaVirtualLr, d.metaDim);
    }

    /** Reads the optional l-mcl keys of a term object, each defaulting to {@link #DEFAULTS}. */
    static LayerWeightOptions read(Config o, String where) {
        LayerWeightOptions d = DEFAULTS;
        String mode = o.hasPath("layer-weights") ? o.getString("layer-weights").toLowerCase(Locale.ROOT) : "uniform";
        if (!mode.equals("uniform") && !mode.equals("meta")) {
            throw new IllegalArgumentException(where + ".layer-weights: must be uniform or meta, got '" + mode + "'");
        }
        int steps = OptionReads.atLeast(o, where, "meta-steps", d.metaSteps, 1);
        int dim = OptionReads.atLeast(o, where, "meta-dim", d.metaDim, 1);
        double lr = OptionReads.positive(o, where, "meta-learning-rate", d.metaLearningRate);
        double eta = OptionReads.positive(o, where, "meta-virtual-lr", d.metaVirtualLr);
        return new LayerWeightOptions(mode.equals("meta"), steps, lr, eta, dim);
    }

    /** "uniform" or "meta", as written in the configuration. */
    public String mode() {
        return meta ? "meta" : "uniform";
    }
}
