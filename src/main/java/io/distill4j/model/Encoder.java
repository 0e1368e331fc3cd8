package io.distill4j.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ResNet-style encoder and context head shared by the segmentation and detection models:
 * stem (3x3 stride 2) -> stage1 (stride 2, width) -> stage2 (2*width) -> stage3 (4*width) -> neck.
 * Stages stride until the output stride is reached and keep stride 1 after that, so stage2,
 * stage3 and neck all sit at the output stride.
 *
 * <p>Why no dilation after the output stride (as DeepLab would): DL4J M2's oneDNN convolution
 * helper fails on every dilated 3x3 convolution (dilation 2 and 4, grids 4x8 to 32x32: the native
 * conv2d call errors and the layer falls back to the im2col path for good), which would put the
 * largest layers back on the slow path. The teacher's context comes from pyramid pooling instead.
 * {@code NativeSetupTest.dilatedConvolutionStillFailsInTheOneDnnHelper} tells when that changes.
 */
final class Encoder {

    static final String INPUT = "image";

    private Encoder() {
    }

    /** The graph's global settings and its "image" input. */
    static GraphBuilder newGraph(ModelSpec spec) {
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(spec.learningRate()))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs(INPUT)
                // The trainer puts outputs on some taps only (e.g. a loss on "heatmap" alone):
                // the remaining head vertices must not make the configuration invalid.
                .allowDisconnected(true)
                .setInputTypes(InputType.convolutional(spec.inputHeight(), spec.inputWidth(), InputNormalization.CHANNELS));
    }

    /** Writes stem, stages and neck; returns the taps stage1, stage2, stage3 and neck in order. */
    static Map<String, TapInfo> write(GraphBuilder graph, ModelSpec spec) {
        GraphBlocks blocks = new GraphBlocks(graph);
        int w = spec.width();
        int os = spec.outputStride();
        Map<String, TapInfo> taps = new LinkedHashMap<>();

        String stem = blocks.convBnRelu("stem", INPUT, w, 3, 2, 1);
        String stage1 = blocks.stage("stage1", stem, w, w, spec.depth(), 2, 1);
        taps.put("stage1", new TapInfo("stage1", stage1, w, spec.inputHeight() / 4, spec.inputWidth() / 4));

        // Output stride 8 strides once more in stage2; output stride 4 stays at stage1's grid.
        int stage2Stride = os == 8 ? 2 : 1;
        String stage2 = blocks.stage("stage2", stage1, w, 2 * w, spec.depth(), stage2Stride, 1);
        taps.put("stage2", new TapInfo("stage2", stage2, 2 * w, spec.gridHeight(), spec.gridWidth()));

        String stage3 = blocks.stage("stage3", stage2, 2 * w, 4 * w, spec.depth(), 1, 1);
        taps.put("stage3", new TapInfo("stage3", stage3, 4 * w, spec.gridHeight(), spec.gridWidth()));

        int neckChannels = 2 * w;
        String neckInput = stage3;
        if (spec.contextHead() == ContextHead.PYRAMID_POOLING) {
            neckInput = blocks.pyramidPooling("ppm", stage3, spec.gridHeight(), spec.gridWidth(),
                    ModelSpec.PYRAMID_BINS, w);
        }
        String neck = blocks.convBnRelu("neck", neckInput, neckChannels, 3, 1, 1);
        taps.put("neck", new TapInfo("neck", neck, neckChannels, spec.gridHeight(), spec.gridWidth()));
        return taps;
    }
}
