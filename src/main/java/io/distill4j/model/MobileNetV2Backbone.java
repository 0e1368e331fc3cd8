package io.distill4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.activations.Activation;

/**
 * torchvision's MobileNetV2 (Sandler et al. 2018) feature extractor layer for layer, with its
 * {@code width_mult}: {@code features.0} (3x3 stride-2 conv, BN, ReLU6) and the inverted residual
 * blocks {@code features.1..17} (1x1 expansion conv-BN-ReLU6 unless t = 1, 3x3 depthwise
 * conv-BN-ReLU6, 1x1 linear projection conv-BN, identity added when stride 1 and same width).
 * Vertices carry torchvision's module names. Not built: {@code features.18} (the 1x1 conv to 1280)
 * and the classifier, as segmentation uses the net. Taps {@code stage1..stage4} are the outputs of
 * features 3, 6, 13 and 17 (strides 4, 8, 16, 32; at most the output stride).
 *
 * <p>Output stride 8 or 16: a block that would stride past it keeps stride 1, undilated (like
 * the compact backbone). Not dilated as {@link ResNetBackbone} is because DL4J M2's
 * depthwise_conv2d fails outright on any dilation with the oneDNN build ("could not create a
 * descriptor for a dilated convolution"), with no fallback; the receptive field of the later
 * blocks is therefore smaller than a dilated MobileNetV2's. Weights load the same either way.
 * {@code BackbonesTest.dilatedDepthwiseConvolutionStillFailsInDl4jM2} tells when that changes.
 */
public final class MobileNetV2Backbone implements Backbone {

    /** t (expansion), c (channels before width_mult), n (blocks), s (first block's stride): torchvision's table. */
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}
    };
    /** The feature index whose output is each tap stage1..stage4. */
    private static final int[] STAGE_FEATURES = {3, 6, 13, 17};

    private final String id;
    private final double widthMult;

    MobileNetV2Backbone(String id, double widthMult) {
        if (!(widthMult > 0))
            throw new IllegalArgumentException("MobileNetV2 width_mult must be positive, got " + widthMult);
        this.id = id;
        this.widthMult = widthMult;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<Integer> outputStrides() {
        return Set.of(8, 16, 32);
    }

    /** torchvision's {@code _make_divisible(v, 8)}: nearest multiple of 8, never 10% below v. */
    static int makeDivisible(double v) {
        int divisor = 8;
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (rounded < 0.9 * v) rounded += divisor;
        return rounded;
    }

    @Override
    public Stages write(GraphBuilder graph, ModelSpec spec) {
        TorchvisionBlocks tv = new TorchvisionBlocks(graph);
        int inChannels = makeDivisible(32 * widthMult);
        String x = tv.conv("features.0.0", Encoder.INPUT, inChannels, 3, 2, 1);
        x = tv.batchNorm("features.0.1", x);
        x = tv.activation("features.0", x, Activation.RELU6);

        Map<String, TapInfo> taps = new LinkedHashMap<>();
        int stride = 2;
        int feature = 1;
        for (int[] s : SETTINGS) {
            int outChannels = makeDivisible(s[1] * widthMult);
            for (int i = 0; i < s[2]; i++) {
                int blockStride = i == 0 ? s[3] : 1;
                int convStride = blockStride == 2 && stride * 2 > spec.outputStride() ? 1 : blockStride;
                stride *= convStride;
                // torchvision decides the identity from the nominal stride; at width 0.25 a
                // stride-2 block can keep its width and must still get none.
                boolean residual = blockStride == 1 && inChannels == outChannels;
                x = invertedResidual(tv, "features." + feature, x, inChannels, outChannels, convStride, s[0], residual);
                inChannels = outChannels;
                int stage = java.util.Arrays.binarySearch(STAGE_FEATURES, feature);
                if (stage >= 0) {
                    String name = "stage" + (stage + 1);
                    taps.put(
                            name,
                            new TapInfo(name, x, outChannels, spec.inputHeight() / stride, spec.inputWidth() / stride));
                }
                feature++;
            }
        }
        return new Stages(taps, tv.pretrained());
    }

    private static String invertedResidual(
            TorchvisionBlocks tv,
            String module,
            String input,
            int inChannels,
            int outChannels,
            int stride,
            int expansion,
            boolean residual) {
        int hidden = (int) Math.round((double) inChannels * expansion);
        String x = input;
        int layer = 0;
        if (expansion != 1) {
            x = tv.conv(module + ".conv.0.0", x, hidden, 1, 1, 1);
            x = tv.batchNorm(module + ".conv.0.1", x);
            x = tv.activation(module + ".conv.0.2", x, Activation.RELU6);
            layer = 1;
        }
        x = tv.depthwise(module + ".conv." + layer + ".0", x, hidden, 3, stride, 1);
        x = tv.batchNorm(module + ".conv." + layer + ".1", x);
        x = tv.activation(module + ".conv." + layer + ".2", x, Activation.RELU6);
        x = tv.conv(module + ".conv." + (layer + 1), x, outChannels, 1, 1, 1);
        x = tv.batchNorm(module + ".conv." + (layer + 2), x);
        return residual ? tv.add(module, input, x) : x;
    }

    /** A quarter of the last stage's channels (80 at width 1), at least 32. */
    @Override
    public int neckChannels(ModelSpec spec, TapInfo lastStage) {
        return Math.max(32, lastStage.channels() / 4);
    }

    @Override
    public int pyramidBranchChannels(ModelSpec spec, TapInfo lastStage) {
        return Math.max(32, lastStage.channels() / 4);
    }
}
