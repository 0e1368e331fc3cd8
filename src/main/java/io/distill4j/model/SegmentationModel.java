package io.distill4j.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.activations.Activation;

/**
 * Segmentation teacher and student (same class, sized by {@link ModelSpec}): the shared encoder,
 * then a 1x1 conv to per-pixel class logits at the output stride, never upsampled (losses and the
 * teacher cache work at that resolution).
 *
 * <p>Taps: {@code stage1} (stride 4), {@code stage2}, {@code stage3} ({@code stage4} with a
 * torchvision backbone), {@code neck}, {@code logits}
 * ([N, numClasses, H/os, W/os], identity activation).
 */
public final class SegmentationModel {

    private SegmentationModel() {}

    public static ModelBlueprint blueprint(ModelSpec spec) {
        return ModelBlueprint.written(spec, Task.SEGMENTATION, SegmentationModel::write);
    }

    private static Map<String, TapInfo> write(GraphBuilder graph, ModelSpec spec) {
        Map<String, TapInfo> taps = Encoder.write(graph, spec);
        String logits = new GraphBlocks(graph)
                .conv("logits", taps.get("neck").vertexName(), spec.numClasses(), 1, Activation.IDENTITY, 0.0);
        taps.put("logits", new TapInfo("logits", logits, spec.numClasses(), spec.gridHeight(), spec.gridWidth()));
        return taps;
    }
}
