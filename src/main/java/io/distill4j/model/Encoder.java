package io.distill4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The encoder and context head shared by the segmentation and detection models: the spec's
 * backbone (the compact default: stem (3x3 stride 2) -> stage1 (stride 2, width) -> stage2
 * (2*width) -> stage3 (4*width); or a torchvision ResNet / MobileNetV2), then the neck (FCN-style
 * 3x3 conv-BN-ReLU, or PSPNet pyramid pooling before it) at the output stride.
 *
 * <p>Why the compact backbone has no dilation after the output stride (as DeepLab would): DL4J M2's oneDNN convolution
 * helper fails on every dilated 3x3 convolution (dilation 2 and 4, grids 4x8 to 32x32: the native
 * conv2d call errors and the layer falls back to the im2col path for good), which would put the
 * largest layers back on the slow path. The teacher's context comes from pyramid pooling instead.
 * {@code NativeSetupTest.dilatedConvolutionStillFailsInTheOneDnnHelper} tells when that changes.
 */
final class Encoder {

    static final String INPUT = "image";

    private Encoder() {}

    /** The graph's global settings and its "image" input. */
    static GraphBuilder newGraph(ModelSpec spec) {
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(spec.learningRate()))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                // DL4J's default (NONE) recomputes every convolution's forward pass in backprop;
                // DEVICE keeps it from the forward pass: same arithmetic, fewer passes
                // (ModelBlueprintTest.cacheModeChangesSpeedOnlyNotParameters, docs/performance.md).
                .cacheMode(CacheMode.DEVICE)
                .graphBuilder()
                .addInputs(INPUT)
                // The trainer puts outputs on some taps only (e.g. a loss on "heatmap" alone):
                // the remaining head vertices must not make the configuration invalid.
                .allowDisconnected(true)
                .setInputTypes(
                        InputType.convolutional(spec.inputHeight(), spec.inputWidth(), InputNormalization.CHANNELS));
    }

    /**
     * Writes the spec's backbone ({@link Backbones}) and the neck on its last stage; returns the
     * stage taps ({@code stage1}..) and {@code neck} in order.
     */
    static Map<String, TapInfo> write(GraphBuilder graph, ModelSpec spec) {
        Backbone backbone = Backbones.of(spec.backbone());
        Backbone.Stages stages = backbone.write(graph, spec);
        Map<String, TapInfo> taps = new LinkedHashMap<>(stages.taps());
        TapInfo last = stages.last();
        GraphBlocks blocks = new GraphBlocks(graph);

        int neckChannels = backbone.neckChannels(spec, last);
        String neckInput = last.vertexName();
        if (spec.contextHead() == ContextHead.PYRAMID_POOLING) {
            neckInput = blocks.pyramidPooling(
                    "ppm",
                    last.vertexName(),
                    spec.gridHeight(),
                    spec.gridWidth(),
                    ModelSpec.PYRAMID_BINS,
                    backbone.pyramidBranchChannels(spec, last));
        }
        String neck = blocks.convBnRelu("neck", neckInput, neckChannels, 3, 1, 1);
        taps.put("neck", new TapInfo("neck", neck, neckChannels, spec.gridHeight(), spec.gridWidth()));
        return taps;
    }
}
