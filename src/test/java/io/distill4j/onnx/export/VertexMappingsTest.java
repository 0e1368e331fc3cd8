package io.distill4j.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every mapped DL4J layer and vertex kind, on a small graph built here: ONNX Runtime's output of the
 * exported file equals DL4J's within 1e-4 of the tensor's scale, at odd input sizes (where padding
 * placement shows) and with a batch of 2 (the batch axis is dynamic).
 */
class VertexMappingsTest {

    private static GraphBuilder graph(ConvolutionMode mode, int h, int w) {
        return new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .convolutionMode(mode)
                .graphBuilder()
                .addInputs("image")
                .allowDisconnected(true)
                .setInputTypes(InputType.convolutional(h, w, 3));
    }

    private static ConvolutionLayer conv(int kernel, int stride, int nOut, Activation a) {
        return new ConvolutionLayer.Builder(kernel, kernel)
                .stride(stride, stride)
                .nOut(nOut)
                .activation(a)
                .build();
    }

    /** Builds, randomises, exports (dynamic size) and compares "logits" at batch 2; returns the export. */
    private static OnnxExporter.Exported check(GraphBuilder g, int h, int w) throws Exception {
        ComputationGraph net = new ComputationGraph(g.setOutputs("logits").build());
        net.init();
        OrtSupport.randomize(net, 3);
        OnnxExporter.Exported e = OnnxExporter.export(net, SpatialSize.DYNAMIC);
        INDArray x = OrtSupport.input(5, 2, 3, h, w);
        INDArray expected = OrtSupport.dl4j(net, x, "logits");
        Map<String, INDArray> ort = OrtSupport.run(e.model().toByteArray(), x);
        OrtSupport.assertClose(expected, ort.get("logits"), "logits");
        return e;
    }

    @Test
    void sameModeConvolutionsPadLikeDl4jAtOddSizesWithStrideAndDilation() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Same, 13, 17);
        g.addLayer("a", conv(3, 2, 6, Activation.RELU), "image");
        g.addLayer(
                "b",
                new ConvolutionLayer.Builder(3, 3)
                        .dilation(2, 2)
                        .nOut(5)
                        .activation(Activation.TANH)
                        .build(),
                "a");
        g.addLayer(
                "c",
                new ConvolutionLayer.Builder(1, 1)
                        .stride(2, 2)
                        .nOut(4)
                        .hasBias(false)
                        .activation(Activation.IDENTITY)
                        .build(),
                "b");
        g.addLayer(
                "logits",
                new ConvolutionLayer.Builder(4, 4)
                        .stride(1, 1)
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .build(),
                "c");
        OnnxExporter.Exported e = check(g, 13, 17);
        assertEquals(4.0, e.outputs().get("logits").stride());
    }

    @Test
    void truncateModeConvolutionsUseTheExplicitPadding() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Truncate, 15, 20);
        g.addLayer(
                "stem",
                new ConvolutionLayer.Builder(7, 7)
                        .stride(2, 2)
                        .padding(3, 3)
                        .nOut(4)
                        .activation(Activation.RELU)
                        .build(),
                "image");
        g.addLayer(
                "logits",
                new ConvolutionLayer.Builder(3, 3)
                        .padding(1, 1)
                        .dilation(2, 2)
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .build(),
                "stem");
        check(g, 15, 20);
    }

    @Test
    void batchNormalizationWithLogStdPlainVarianceAndLockedGammaBeta() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Same, 8, 12);
        g.addLayer("conv", conv(3, 1, 6, Activation.IDENTITY), "image");
        g.addLayer("bn_log", new BatchNormalization.Builder().useLogStd(true).build(), "conv");
        g.addLayer(
                "bn_var",
                new BatchNormalization.Builder().useLogStd(false).eps(1e-3).build(),
                "bn_log");
        g.addLayer(
                "logits",
                new BatchNormalization.Builder()
                        .lockGammaBeta(true)
                        .gamma(1.5)
                        .beta(-0.25)
                        .build(),
                "bn_var");
        check(g, 8, 12);
    }

    @Test
    void activationLayersOfEveryMappedKind() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Same, 6, 7);
        g.addLayer("conv", conv(3, 1, 4, Activation.IDENTITY), "image");
        String previous = "conv";
        Object[] kinds = {
            Activation.RELU6,
            Activation.LEAKYRELU,
            Activation.ELU,
            Activation.SWISH,
            Activation.TANH,
            Activation.SOFTPLUS,
            Activation.HARDSIGMOID,
            Activation.SIGMOID,
            new ActivationReLU(2.0, 0.0, 0.0),
            Activation.IDENTITY,
            Activation.RELU
        };
        for (int i = 0; i < kinds.length; i++) {
            String name = i == kinds.length - 1 ? "logits" : "act" + i;
            ActivationLayer layer = kinds[i] instanceof Activation a
                    ? new ActivationLayer.Builder().activation(a).build()
                    : new ActivationLayer.Builder()
                            .activation((ActivationReLU) kinds[i])
                            .build();
            g.addLayer(name, layer, previous);
            // A conv between activations keeps values spread, so each activation is exercised on both signs.
            if (i < kinds.length - 1) {
                g.addLayer(name + "_mix", conv(1, 1, 4, Activation.IDENTITY), name);
                previous = name + "_mix";
            }
        }
        check(g, 6, 7);
    }

    @Test
    void maxAndAveragePoolingInBothModesWithAndWithoutPaddingInTheDivisor() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Same, 11, 14);
        g.addLayer("conv", conv(3, 1, 4, Activation.IDENTITY), "image");
        g.addLayer(
                "max_same",
                new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(3, 3)
                        .stride(2, 2)
                        .build(),
                "conv");
        g.addLayer(
                "max_trunc",
                new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(3, 3)
                        .stride(2, 2)
                        .padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .build(),
                "conv");
        g.addLayer(
                "avg_same",
                new SubsamplingLayer.Builder(PoolingType.AVG)
                        .kernelSize(3, 3)
                        .stride(1, 1)
                        .avgPoolIncludePadInDivisor(false)
                        .build(),
                "max_same");
        g.addLayer(
                "avg_same_pad",
                new SubsamplingLayer.Builder(PoolingType.AVG)
                        .kernelSize(3, 3)
                        .stride(1, 1)
                        .avgPoolIncludePadInDivisor(true)
                        .build(),
                "max_trunc");
        g.addLayer(
                "avg_trunc",
                new SubsamplingLayer.Builder(PoolingType.AVG)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .build(),
                "conv");
        g.addVertex("logits", new MergeVertex(), "avg_same", "avg_same_pad", "max_same");
        OnnxExporter.Exported e = check(g, 11, 14);
        assertEquals(12, e.outputs().get("logits").channels());
        // avg_trunc does not feed the head: it is left out.
        assertFalse(e.model().getGraph().getNodeList().stream()
                .anyMatch(n -> n.getName().startsWith("avg_trunc")));
    }

    @Test
    void pyramidBranchOfGlobalPoolingNearestUpsamplingAndConcat() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Same, 8, 16);
        g.addLayer("conv", conv(3, 1, 4, Activation.RELU), "image");
        g.addLayer(
                "gap",
                new GlobalPoolingLayer.Builder(PoolingType.AVG)
                        .collapseDimensions(false)
                        .build(),
                "conv");
        g.addLayer("gap_up", new Upsampling2D.Builder().size(new int[] {8, 16}).build(), "gap");
        g.addLayer(
                "gmp",
                new GlobalPoolingLayer.Builder(PoolingType.MAX)
                        .collapseDimensions(false)
                        .build(),
                "conv");
        g.addLayer("gmp_up", new Upsampling2D.Builder().size(new int[] {8, 16}).build(), "gmp");
        g.addLayer(
                "pool",
                new SubsamplingLayer.Builder(PoolingType.AVG)
                        .kernelSize(2, 4)
                        .stride(2, 4)
                        .build(),
                "conv");
        g.addLayer("pool_up", new Upsampling2D.Builder().size(new int[] {2, 4}).build(), "pool");
        g.addVertex("logits", new MergeVertex(), "conv", "gap_up", "gmp_up", "pool_up");
        check(g, 8, 16);
    }

    @Test
    void elementWiseVerticesOfEveryOp() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Same, 5, 9);
        g.addLayer("a", conv(3, 1, 4, Activation.IDENTITY), "image");
        g.addLayer("b", conv(3, 1, 4, Activation.IDENTITY), "image");
        g.addLayer("c", conv(1, 1, 4, Activation.IDENTITY), "image");
        g.addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b", "c");
        g.addVertex("sub", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "add", "c");
        g.addVertex("mul", new ElementWiseVertex(ElementWiseVertex.Op.Product), "sub", "a", "b");
        g.addVertex("avg", new ElementWiseVertex(ElementWiseVertex.Op.Average), "mul", "a");
        g.addVertex("logits", new ElementWiseVertex(ElementWiseVertex.Op.Max), "avg", "b");
        check(g, 5, 9);
    }

    @Test
    void depthwiseConvolutionWithMultiplierStrideAndBias() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Same, 9, 10);
        g.addLayer("expand", conv(1, 1, 6, Activation.RELU6), "image");
        g.addLayer(
                "dw",
                new DepthwiseConvolution2D.Builder(3, 3)
                        .stride(2, 2)
                        .depthMultiplier(2)
                        .activation(Activation.RELU6)
                        .build(),
                "expand");
        g.addLayer(
                "dw_trunc",
                new DepthwiseConvolution2D.Builder(3, 3)
                        .padding(1, 1)
                        .depthMultiplier(1)
                        .hasBias(false)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .activation(Activation.IDENTITY)
                        .build(),
                "dw");
        g.addLayer("logits", conv(1, 1, 3, Activation.IDENTITY), "dw_trunc");
        check(g, 9, 10);
    }

    @Test
    void zeroPaddingThenTruncatedConvolutionAndDropoutAsIdentity() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Truncate, 10, 10);
        g.addLayer("pad", new ZeroPaddingLayer.Builder(1, 2, 0, 3).build(), "image");
        g.addLayer("drop", new DropoutLayer.Builder(0.5).build(), "pad");
        g.addLayer("logits", conv(3, 2, 3, Activation.IDENTITY), "drop");
        check(g, 10, 10);
    }

    @Test
    void batchNormalizationWithASmallStdWhereEpsilonMatters() throws Exception {
        // s = 0.01 against eps = 1e-5: sqrt(s^2 + eps) and s differ by 5%, so either wrong reading fails.
        for (boolean logStd : new boolean[] {true, false}) {
            GraphBuilder g = graph(ConvolutionMode.Same, 4, 5);
            g.addLayer(
                    "logits", new BatchNormalization.Builder().useLogStd(logStd).build(), "image");
            ComputationGraph net = new ComputationGraph(g.setOutputs("logits").build());
            net.init();
            Map<String, INDArray> p = net.getVertex("logits").paramTable(false);
            if (logStd) {
                p.get("log10stdev").assign(-2);
            } else {
                p.get("var").assign(1e-4);
            }
            INDArray x = OrtSupport.input(5, 1, 3, 4, 5);
            INDArray ort = OrtSupport.run(
                            OnnxExporter.export(net, SpatialSize.DYNAMIC)
                                    .model()
                                    .toByteArray(),
                            x)
                    .get("logits");
            OrtSupport.assertClose(OrtSupport.dl4j(net, x, "logits"), ort, "useLogStd=" + logStd);
        }
    }

    @Test
    void batchNormalizationIgnoresItsConfiguredActivationAsDl4jDoes() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Same, 4, 5);
        g.addLayer(
                "logits",
                new BatchNormalization.Builder().activation(Activation.SIGMOID).build(),
                "image");
        OnnxExporter.Exported e = check(g, 4, 5);
        assertFalse(e.model().getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("Sigmoid")));
    }

    @Test
    void aDilatedStridedSameModeConvolutionIsRefusedByName() {
        GraphBuilder g = graph(ConvolutionMode.Same, 8, 8);
        g.addLayer(
                "logits",
                new ConvolutionLayer.Builder(3, 3)
                        .stride(2, 2)
                        .dilation(2, 2)
                        .nOut(3)
                        .build(),
                "image");
        ComputationGraph net = new ComputationGraph(g.setOutputs("logits").build());
        net.init();
        OnnxExportException e =
                assertThrows(OnnxExportException.class, () -> OnnxExporter.export(net, SpatialSize.DYNAMIC));
        assertTrue(e.getMessage().contains("'logits'") && e.getMessage().contains("dilated"), e.getMessage());
    }

    /** conv (no bias, explicit padding) -> BN, as torchvision writes its blocks. */
    private static String convBn(
            GraphBuilder g,
            String name,
            String in,
            int k,
            int stride,
            int pad,
            int dilation,
            int nOut,
            int groupsOfDepthwise) {
        if (groupsOfDepthwise > 0) {
            g.addLayer(
                    name,
                    new DepthwiseConvolution2D.Builder(k, k)
                            .stride(stride, stride)
                            .padding(pad, pad)
                            .dilation(dilation, dilation)
                            .depthMultiplier(1)
                            .hasBias(false)
                            .activation(Activation.IDENTITY)
                            .build(),
                    in);
        } else {
            g.addLayer(
                    name,
                    new ConvolutionLayer.Builder(k, k)
                            .stride(stride, stride)
                            .padding(pad, pad)
                            .dilation(dilation, dilation)
                            .nOut(nOut)
                            .hasBias(false)
                            .activation(Activation.IDENTITY)
                            .build(),
                    in);
        }
        g.addLayer(name + "_bn", new BatchNormalization.Builder().build(), name);
        return name + "_bn";
    }

    @Test
    void torchvisionStyleResNetAndMobileNetV2BlocksWithADilatedStage() throws Exception {
        // What the backbones' students are made of: 7x7/2 stem and 3x3/2 max pool with explicit padding
        // (Truncate), BasicBlock with a 1x1/2 downsample, a dilated (output stride 8) Bottleneck, and a
        // MobileNetV2 inverted residual (expand 1x1, depthwise 3x3, ReLU6, linear projection, add).
        GraphBuilder g = graph(ConvolutionMode.Truncate, 64, 96);
        String x = convBn(g, "stem", "image", 7, 2, 3, 1, 8, 0);
        g.addLayer(
                "stem_relu",
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                x);
        g.addLayer(
                "maxpool",
                new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(3, 3)
                        .stride(2, 2)
                        .padding(1, 1)
                        .build(),
                "stem_relu");
        String a = convBn(g, "b1_conv1", "maxpool", 3, 2, 1, 1, 16, 0);
        g.addLayer(
                "b1_relu1",
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                a);
        String b = convBn(g, "b1_conv2", "b1_relu1", 3, 1, 1, 1, 16, 0);
        String down = convBn(g, "b1_down", "maxpool", 1, 2, 0, 1, 16, 0);
        g.addVertex("b1_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), b, down);
        g.addLayer(
                "b1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "b1_add");
        String c1 = convBn(g, "b2_conv1", "b1", 1, 1, 0, 1, 8, 0);
        g.addLayer(
                "b2_relu1",
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                c1);
        String c2 = convBn(g, "b2_conv2", "b2_relu1", 3, 1, 2, 2, 8, 0);
        g.addLayer(
                "b2_relu2",
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                c2);
        String c3 = convBn(g, "b2_conv3", "b2_relu2", 1, 1, 0, 1, 16, 0);
        g.addVertex("b2_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), c3, "b1");
        g.addLayer(
                "b2", new ActivationLayer.Builder().activation(Activation.RELU).build(), "b2_add");
        String e = convBn(g, "ir_expand", "b2", 1, 1, 0, 1, 48, 0);
        g.addLayer(
                "ir_relu1",
                new ActivationLayer.Builder().activation(Activation.RELU6).build(),
                e);
        // Undilated: DL4J M2 itself fails a dilated depthwise convolution here ("could not create a
        // descriptor for a dilated convolution forward propagation primitive", oneDNN).
        String d = convBn(g, "ir_dw", "ir_relu1", 3, 1, 1, 1, 48, 1);
        g.addLayer(
                "ir_relu2",
                new ActivationLayer.Builder().activation(Activation.RELU6).build(),
                d);
        String p = convBn(g, "ir_project", "ir_relu2", 1, 1, 0, 1, 16, 0);
        g.addVertex("ir", new ElementWiseVertex(ElementWiseVertex.Op.Add), p, "b2");
        g.addLayer(
                "logits",
                new ConvolutionLayer.Builder(1, 1)
                        .nOut(19)
                        .activation(Activation.IDENTITY)
                        .build(),
                "ir");
        OnnxExporter.Exported exported = check(g, 64, 96);
        assertEquals(8.0, exported.outputs().get("logits").stride());
    }

    @Test
    void anUnmappedLayerOnTheHeadPathIsRefusedByName() {
        GraphBuilder g = graph(ConvolutionMode.Same, 8, 8);
        g.addLayer("up", new Deconvolution2D.Builder(2, 2).stride(2, 2).nOut(4).build(), "image");
        g.addLayer("logits", conv(1, 1, 3, Activation.IDENTITY), "up");
        ComputationGraph net = new ComputationGraph(g.setOutputs("logits").build());
        net.init();
        OnnxExportException e =
                assertThrows(OnnxExportException.class, () -> OnnxExporter.export(net, SpatialSize.DYNAMIC));
        assertTrue(e.getMessage().contains("'up'") && e.getMessage().contains("Deconvolution2D"), e.getMessage());
    }

    @Test
    void unmappedLayersOffTheHeadPathAreLeftOut() throws Exception {
        GraphBuilder g = graph(ConvolutionMode.Same, 8, 8);
        g.addLayer("logits", conv(3, 1, 3, Activation.IDENTITY), "image");
        g.addLayer("side_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "image");
        g.addLayer("side_dense", new DenseLayer.Builder().nOut(5).build(), "side_pool");
        ComputationGraph net =
                new ComputationGraph(g.setOutputs("logits", "side_dense").build());
        net.init();
        OnnxExporter.Exported e = OnnxExporter.export(net, SpatialSize.DYNAMIC);
        assertEquals(1, e.model().getGraph().getOutputCount());
        assertEquals(1, e.nodes());
    }

    @Test
    void aNonElementWiseActivationIsRefusedByName() {
        GraphBuilder g = graph(ConvolutionMode.Same, 8, 8);
        g.addLayer("logits", conv(3, 1, 3, Activation.SOFTMAX), "image");
        ComputationGraph net = new ComputationGraph(g.setOutputs("logits").build());
        net.init();
        OnnxExportException e =
                assertThrows(OnnxExportException.class, () -> OnnxExporter.export(net, SpatialSize.DYNAMIC));
        assertTrue(e.getMessage().contains("'logits'") && e.getMessage().contains("softmax"), e.getMessage());
    }
}
