package io.distill4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.activations.Activation;

/**
 * torchvision's ResNet (He et al. 2016) layer for layer: 7x7 stride-2 stem, BN, ReLU, 3x3 max
 * pool, then layer1..layer4 of BasicBlocks (ResNet-18/34) or Bottlenecks (ResNet-50), each
 * first block with a 1x1 conv + BN downsample when the shape changes. Vertices carry torchvision's
 * module names, so its weights load one to one ({@link TorchvisionWeights}); the classifier (avgpool,
 * fc) is not built. Taps {@code stage1..stage4} are the outputs of layer1..layer4.
 *
 * <p>Output stride 8 or 16 as segmentation uses ResNets: a layer that would stride past the output
 * stride keeps stride 1 and doubles the dilation; its first block's 3x3 convolutions keep the
 * previous dilation, later blocks use the new one (torchvision's {@code replace_stride_with_dilation}
 * for Bottleneck; the same for both 3x3 convolutions of a BasicBlock, which torchvision refuses to
 * dilate). Dilation changes no tensor shape, so pretrained weights load at any output stride.
 * DL4J M2's oneDNN helper cannot run dilated convolutions (docs/backbones.md measures what that costs).
 */
public final class ResNetBackbone implements Backbone {

    private static final int STEM_CHANNELS = 64;

    private final String id;
    private final boolean bottleneck;
    private final int[] blocks;

    ResNetBackbone(String id, boolean bottleneck, int... blocks) {
        if (blocks.length != 4) throw new IllegalArgumentException("a ResNet has 4 layers, got " + blocks.length);
        this.id = id;
        this.bottleneck = bottleneck;
        this.blocks = blocks.clone();
    }

    static ResNetBackbone resnet18() {
        return new ResNetBackbone("resnet18", false, 2, 2, 2, 2);
    }

    static ResNetBackbone resnet34() {
        return new ResNetBackbone("resnet34", false, 3, 4, 6, 3);
    }

    static ResNetBackbone resnet50() {
        return new ResNetBackbone("resnet50", true, 3, 4, 6, 3);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<Integer> outputStrides() {
        return Set.of(8, 16, 32);
    }

    private int expansion() {
        return bottleneck ? 4 : 1;
    }

    @Override
    public Stages write(GraphBuilder graph, ModelSpec spec) {
        TorchvisionBlocks tv = new TorchvisionBlocks(graph);
        String x = tv.conv("conv1", Encoder.INPUT, STEM_CHANNELS, 7, 2, 1);
        x = tv.batchNorm("bn1", x);
        x = tv.activation("relu", x, Activation.RELU);
        x = tv.maxPool("maxpool", x);

        Map<String, TapInfo> taps = new LinkedHashMap<>();
        int inChannels = STEM_CHANNELS;
        int stride = 4;
        int dilation = 1;
        for (int layer = 1; layer <= 4; layer++) {
            int planes = STEM_CHANNELS << (layer - 1);
            int layerStride = layer == 1 ? 1 : 2;
            int previousDilation = dilation;
            if (layerStride == 2 && stride * 2 > spec.outputStride()) {
                dilation *= 2;
                layerStride = 1;
            }
            stride *= layerStride;
            for (int b = 0; b < blocks[layer - 1]; b++) {
                String module = "layer" + layer + "." + b;
                int blockStride = b == 0 ? layerStride : 1;
                int blockDilation = b == 0 ? previousDilation : dilation;
                x = bottleneck
                        ? bottleneck(tv, module, x, inChannels, planes, blockStride, blockDilation)
                        : basicBlock(tv, module, x, inChannels, planes, blockStride, blockDilation);
                inChannels = planes * expansion();
            }
            String name = "stage" + layer;
            taps.put(name, new TapInfo(name, x, inChannels, spec.inputHeight() / stride, spec.inputWidth() / stride));
        }
        return new Stages(taps, tv.pretrained());
    }

    private static String basicBlock(
            TorchvisionBlocks tv, String module, String input, int inChannels, int planes, int stride, int dilation) {
        String x = tv.conv(module + ".conv1", input, planes, 3, stride, dilation);
        x = tv.batchNorm(module + ".bn1", x);
        x = tv.activation(module + ".relu1", x, Activation.RELU);
        x = tv.conv(module + ".conv2", x, planes, 3, 1, dilation);
        x = tv.batchNorm(module + ".bn2", x);
        return residual(tv, module, input, x, inChannels, planes, stride);
    }

    private static String bottleneck(
            TorchvisionBlocks tv, String module, String input, int inChannels, int planes, int stride, int dilation) {
        String x = tv.conv(module + ".conv1", input, planes, 1, 1, 1);
        x = tv.batchNorm(module + ".bn1", x);
        x = tv.activation(module + ".relu1", x, Activation.RELU);
        x = tv.conv(module + ".conv2", x, planes, 3, stride, dilation);
        x = tv.batchNorm(module + ".bn2", x);
        x = tv.activation(module + ".relu2", x, Activation.RELU);
        x = tv.conv(module + ".conv3", x, planes * 4, 1, 1, 1);
        x = tv.batchNorm(module + ".bn3", x);
        return residual(tv, module, input, x, inChannels, planes * 4, stride);
    }

    /** Adds the (downsampled) identity and applies ReLU; the block's output vertex is {@code module}. */
    private static String residual(
            TorchvisionBlocks tv,
            String module,
            String input,
            String body,
            int inChannels,
            int outChannels,
            int stride) {
        String shortcut = input;
        if (stride != 1 || inChannels != outChannels) {
            shortcut = tv.conv(module + ".downsample.0", input, outChannels, 1, stride, 1);
            shortcut = tv.batchNorm(module + ".downsample.1", shortcut);
        }
        String sum = tv.add(module + ".add", body, shortcut);
        return tv.activation(module, sum, Activation.RELU);
    }

    /** torchvision's FCNHead width: a quarter of the last stage's channels. */
    @Override
    public int neckChannels(ModelSpec spec, TapInfo lastStage) {
        return lastStage.channels() / 4;
    }

    @Override
    public int pyramidBranchChannels(ModelSpec spec, TapInfo lastStage) {
        return lastStage.channels() / 4;
    }
}
