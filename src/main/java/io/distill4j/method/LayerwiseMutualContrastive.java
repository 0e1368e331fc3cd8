package io.distill4j.method;

import com.typesafe.config.Config;
import java.util.Set;

/**
 * Layer-wise MCL, L-MCL (Yang et al. 2023): student-tap and teacher-output list taps separated by
 * commas; every (student tap, peer tap) pair gets an MCL output of weight / pairs, its anchors
 * weighted uniformly or by meta-learned weights trained between epochs ({@link LayerWeightOptions}).
 */
public final class LayerwiseMutualContrastive extends MutualContrastive {
    @Override
    public String id() {
        return "l-mcl";
    }

    @Override
    public Set<String> optionKeys() {
        return LayerWeightOptions.KEYS;
    }

    @Override
    public MethodOptions defaultOptions() {
        return LayerWeightOptions.DEFAULTS;
    }

    @Override
    public MethodOptions readOptions(Config term, String where) {
        return LayerWeightOptions.read(term, where);
    }

    @Override
    protected boolean layerWise() {
        return true;
    }

    @Override
    protected boolean metaWeighted(MethodOptions options) {
        return ((LayerWeightOptions) options).meta();
    }
}
