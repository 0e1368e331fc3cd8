package io.distill4j.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.nd4j.linalg.activations.Activation;

/**
 * Writes the building blocks shared by all models into a graph builder. Every method returns the
 * name of the vertex that holds the block's output. All convolutions use the graph's
 * ConvolutionMode.Same, so a stride-s layer maps H to H/s.
 */
final class GraphBlocks {

    private final GraphBuilder graph;

    GraphBlocks(GraphBuilder graph) {
        this.graph = graph;
    }

    /** conv (no bias) -> batch norm -> ReLU; the ReLU vertex is called {@code out}. */
    String convBnRelu(String out, String input, int channels, int kernel, int stride, int dilation) {
        String bn = convBn(out, input, channels, kernel, stride, dilation);
        graph.addLayer(
                out, new ActivationLayer.Builder().activation(Activation.RELU).build(), bn);
        return out;
    }

    /** conv (no bias) -> batch norm; returns the batch-norm vertex ({@code prefix + "_bn"}). */
    String convBn(String prefix, String input, int channels, int kernel, int stride, int dilation) {
        String conv = prefix + "_conv";
        graph.addLayer(
                conv,
                new ConvolutionLayer.Builder(kernel, kernel)
                        .stride(stride, stride)
                        .dilation(dilation, dilation)
                        .nOut(channels)
                        .hasBias(false)
                        .activation(Activation.IDENTITY)
                        .build(),
                input);
        String bn = prefix + "_bn";
        graph.addLayer(bn, new BatchNormalization.Builder().build(), conv);
        return bn;
    }

    /** A conv with bias and the given activation (head layers, adapters). */
    String conv(String out, String input, int channels, int kernel, Activation activation, double biasInit) {
        graph.addLayer(
                out,
                new ConvolutionLayer.Builder(kernel, kernel)
                        .stride(1, 1)
                        .nOut(channels)
                        .hasBias(true)
                        .biasInit(biasInit)
                        .activation(activation)
                        .build(),
                input);
        return out;
    }

    /**
     * ResNet basic block: two 3x3 conv-BN, the first strided and both dilated, plus a shortcut
     * (1x1 conv-BN when shape changes), added by an ElementWiseVertex, then ReLU into {@code out}.
     */
    String residualBlock(String out, String input, int inChannels, int channels, int stride, int dilation) {
        String a = convBnRelu(out + "_a", input, channels, 3, stride, dilation);
        String b = convBn(out + "_b", a, channels, 3, 1, dilation);
        String shortcut = input;
        if (stride != 1 || inChannels != channels) {
            shortcut = convBn(out + "_proj", input, channels, 1, stride, 1);
        }
        String sum = out + "_add";
        graph.addVertex(sum, new ElementWiseVertex(ElementWiseVertex.Op.Add), b, shortcut);
        graph.addLayer(
                out, new ActivationLayer.Builder().activation(Activation.RELU).build(), sum);
        return out;
    }

    /** {@code depth} residual blocks; the first carries the stride; the last is named {@code out}. */
    String stage(String out, String input, int inChannels, int channels, int depth, int stride, int dilation) {
        String current = input;
        int currentChannels = inChannels;
        for (int i = 0; i < depth; i++) {
            String name = i == depth - 1 ? out : out + "_block" + i;
            current = residualBlock(name, current, currentChannels, channels, i == 0 ? stride : 1, dilation);
            currentChannels = channels;
        }
        return current;
    }

    /**
     * PSPNet pyramid pooling over a {@code gridH x gridW} map: per bin count b, average pool to
     * b x b, 1x1 conv-BN-ReLU to {@code branchChannels}, nearest upsampling back; the branches are
     * concatenated with the input into {@code out} (channels: inChannels + bins*branchChannels).
     */
    String pyramidPooling(String out, String input, int gridH, int gridW, int[] bins, int branchChannels) {
        String[] merged = new String[bins.length + 1];
        merged[0] = input;
        for (int i = 0; i < bins.length; i++) {
            int kh = gridH / bins[i];
            int kw = gridW / bins[i];
            String prefix = out + "_bin" + bins[i];
            graph.addLayer(
                    prefix + "_pool",
                    new SubsamplingLayer.Builder(PoolingType.AVG)
                            .kernelSize(kh, kw)
                            .stride(kh, kw)
                            .build(),
                    input);
            String reduced = convBnRelu(prefix + "_reduce", prefix + "_pool", branchChannels, 1, 1, 1);
            graph.addLayer(
                    prefix + "_up",
                    new Upsampling2D.Builder().size(new int[] {kh, kw}).build(),
                    reduced);
            merged[i + 1] = prefix + "_up";
        }
        graph.addVertex(out, new MergeVertex(), merged);
        return out;
    }
}
