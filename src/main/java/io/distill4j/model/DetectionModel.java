package io.distill4j.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.activations.Activation;

/**
 * Dense, anchor-free CenterNet-style detector (teacher and student, sized by {@link ModelSpec}):
 * the shared encoder, a 3x3 conv-BN-ReLU {@code head_feat}, then two branches of 3x3 conv + ReLU
 * and a 1x1 conv: {@code heatmap} (K class logits; bias starts at -2.19, i.e. sigmoid prior 0.1,
 * as CenterNet does) and {@code reg} (4 channels: box w, h, centre offset dx, dy, in output-grid
 * units). The branches after {@code head_feat} have no batch norm, so CrossKD can graft them into
 * a student as frozen layers that behave identically in training and inference.
 *
 * <p>Taps: {@code stage1}, {@code stage2}, {@code stage3} ({@code stage4} with a torchvision
 * backbone), {@code neck}, {@code head_feat},
 * {@code heatmap}, {@code reg}.
 */
public final class DetectionModel {

    /** Regression channels: w, h, dx, dy. */
    public static final int REG_CHANNELS = 4;
    /** log(0.1 / 0.9): heatmap starts near 0.1 probability everywhere. */
    static final double HEATMAP_PRIOR_BIAS = -2.19;

    private DetectionModel() {}

    public static ModelBlueprint blueprint(ModelSpec spec) {
        return ModelBlueprint.written(spec, Task.DETECTION, DetectionModel::write);
    }

    private static Map<String, TapInfo> write(GraphBuilder graph, ModelSpec spec) {
        Map<String, TapInfo> taps = Encoder.write(graph, spec);
        GraphBlocks blocks = new GraphBlocks(graph);
        int headChannels = taps.get("neck").channels();
        int h = spec.gridHeight();
        int w = spec.gridWidth();
        String headFeat = blocks.convBnRelu("head_feat", taps.get("neck").vertexName(), headChannels, 3, 1, 1);
        taps.put("head_feat", new TapInfo("head_feat", headFeat, headChannels, h, w));

        blocks.conv("heatmap_conv", headFeat, headChannels, 3, Activation.RELU, 0.0);
        String heatmap =
                blocks.conv("heatmap", "heatmap_conv", spec.numClasses(), 1, Activation.IDENTITY, HEATMAP_PRIOR_BIAS);
        taps.put("heatmap", new TapInfo("heatmap", heatmap, spec.numClasses(), h, w));

        blocks.conv("reg_conv", headFeat, headChannels, 3, Activation.RELU, 0.0);
        String reg = blocks.conv("reg", "reg_conv", REG_CHANNELS, 1, Activation.IDENTITY, 0.0);
        taps.put("reg", new TapInfo("reg", reg, REG_CHANNELS, h, w));
        return taps;
    }
}
