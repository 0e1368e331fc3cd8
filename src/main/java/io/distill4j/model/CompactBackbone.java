package io.distill4j.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * distill4j's own small ResNet-style encoder, sized by the spec's width and depth (the sample's
 * default): stem (3x3 stride 2) -> stage1 (stride 2, width) -> stage2 (2*width) -> stage3
 * (4*width). Stages stride until the output stride (4 or 8) is reached and keep stride 1 after
 * that, undilated (see {@link Encoder} for why). No pretrained weights exist for it.
 */
final class CompactBackbone implements Backbone {

    static final String ID = "compact";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Integer> outputStrides() {
        return Set.of(4, 8);
    }

    @Override
    public Stages write(GraphBuilder graph, ModelSpec spec) {
        GraphBlocks blocks = new GraphBlocks(graph);
        int w = spec.width();
        Map<String, TapInfo> taps = new LinkedHashMap<>();

        String stem = blocks.convBnRelu("stem", Encoder.INPUT, w, 3, 2, 1);
        String stage1 = blocks.stage("stage1", stem, w, w, spec.depth(), 2, 1);
        taps.put("stage1", new TapInfo("stage1", stage1, w, spec.inputHeight() / 4, spec.inputWidth() / 4));

        // Output stride 8 strides once more in stage2; output stride 4 stays at stage1's grid.
        int stage2Stride = spec.outputStride() == 8 ? 2 : 1;
        String stage2 = blocks.stage("stage2", stage1, w, 2 * w, spec.depth(), stage2Stride, 1);
        taps.put("stage2", new TapInfo("stage2", stage2, 2 * w, spec.gridHeight(), spec.gridWidth()));

        String stage3 = blocks.stage("stage3", stage2, 2 * w, 4 * w, spec.depth(), 1, 1);
        taps.put("stage3", new TapInfo("stage3", stage3, 4 * w, spec.gridHeight(), spec.gridWidth()));
        return new Stages(taps, List.of());
    }

    @Override
    public int neckChannels(ModelSpec spec, TapInfo lastStage) {
        return 2 * spec.width();
    }

    @Override
    public int pyramidBranchChannels(ModelSpec spec, TapInfo lastStage) {
        return spec.width();
    }
}
