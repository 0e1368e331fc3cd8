package io.distill4j.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * One family of encoders (the stem and the stages up to the last {@code stageN} tap) that the
 * segmentation and detection models put their neck and heads on. Registered in {@link Backbones};
 * a new backbone is one class implementing this.
 */
public interface Backbone {

    /** The name configurations use ({@code model.student.backbone}). */
    String id();

    /** Output strides (stride of the last stage) this backbone can be built at. */
    Set<Integer> outputStrides();

    /**
     * Writes the encoder from the graph's "image" input.
     *
     * @return the stage taps in network order ({@code stage1} first) and the layers that load
     *         pretrained weights
     */
    Stages write(GraphBuilder graph, ModelSpec spec);

    /** Channels of the {@code neck} (and of each pyramid-pooling branch) over the last stage. */
    int neckChannels(ModelSpec spec, TapInfo lastStage);

    /** Channels of each pyramid-pooling branch over the last stage. */
    int pyramidBranchChannels(ModelSpec spec, TapInfo lastStage);

    /** What {@link #write} wrote. */
    record Stages(Map<String, TapInfo> taps, List<PretrainedLayer> pretrained) {
        public Stages {
            taps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(taps));
            pretrained = List.copyOf(pretrained);
        }

        /** The deepest stage. */
        public TapInfo last() {
            return List.copyOf(taps.values()).get(taps.size() - 1);
        }
    }
}
