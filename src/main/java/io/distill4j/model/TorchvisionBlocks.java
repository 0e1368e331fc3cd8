package io.distill4j.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Writes layers exactly as torchvision's modules compute them, named after the torchvision module
 * path (vertex {@code layer1.0.conv1} holds {@code layer1.0.conv1.weight}), and records every layer
 * with pretrained parameters. Padding is explicit and symmetric ({@link ConvolutionMode#Truncate}
 * with padding dilation*(k-1)/2, as PyTorch pads): the graph's default {@link ConvolutionMode#Same}
 * pads strided layers on the bottom/right only, which would shift every strided window by a pixel
 * against the weights.
 */
final class TorchvisionBlocks {

    private final GraphBuilder graph;
    private final List<PretrainedLayer> pretrained = new ArrayList<>();

    TorchvisionBlocks(GraphBuilder graph) {
        this.graph = graph;
    }

    List<PretrainedLayer> pretrained() {
        return pretrained;
    }

    /** Conv2d without bias, identity activation. */
    String conv(String module, String input, int channels, int kernel, int stride, int dilation) {
        int pad = dilation * (kernel - 1) / 2;
        graph.addLayer(
                module,
                new ConvolutionLayer.Builder(kernel, kernel)
                        .stride(stride, stride)
                        .dilation(dilation, dilation)
                        .padding(pad, pad)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .nOut(channels)
                        .hasBias(false)
                        .activation(Activation.IDENTITY)
                        .build(),
                input);
        pretrained.add(new PretrainedLayer(module, module, PretrainedLayer.Kind.CONVOLUTION));
        return module;
    }

    /** Depthwise Conv2d (groups = channels, one filter per channel) without bias. */
    String depthwise(String module, String input, int channels, int kernel, int stride, int dilation) {
        int pad = dilation * (kernel - 1) / 2;
        graph.addLayer(
                module,
                new DepthwiseConvolution2D.Builder(kernel, kernel)
                        .stride(stride, stride)
                        .dilation(dilation, dilation)
                        .padding(pad, pad)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .depthMultiplier(1)
                        .nOut(channels)
                        .hasBias(false)
                        .activation(Activation.IDENTITY)
                        .build(),
                input);
        pretrained.add(new PretrainedLayer(module, module, PretrainedLayer.Kind.DEPTHWISE_CONVOLUTION));
        return module;
    }

    /** BatchNorm2d (eps 1e-5 and running-average momentum 0.1, both torchvision's and DL4J's defaults). */
    String batchNorm(String module, String input) {
        graph.addLayer(
                module, new BatchNormalization.Builder().eps(1e-5).decay(0.9).build(), input);
        pretrained.add(new PretrainedLayer(module, module, PretrainedLayer.Kind.BATCH_NORM));
        return module;
    }

    String activation(String name, String input, Activation activation) {
        graph.addLayer(
                name, new ActivationLayer.Builder().activation(activation).build(), input);
        return name;
    }

    String add(String name, String a, String b) {
        graph.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), a, b);
        return name;
    }

    /** MaxPool2d(3, stride 2, padding 1), as after torchvision ResNet's stem (its input is a ReLU output). */
    String maxPool(String name, String input) {
        graph.addLayer(
                name,
                new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(3, 3)
                        .stride(2, 2)
                        .padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .build(),
                input);
        return name;
    }
}
