package io.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/** The registered backbones build into both models with the taps every distillation method reads. */
class BackbonesTest {

    /**
     * Elements and tensors of torchvision's state_dict without the classifier (fc, or features.18 and
     * classifier for MobileNetV2) and num_batches_tracked, printed by torchvision 0.14: the DL4J
     * backbone must hold exactly as many, one layer parameter per tensor.
     */
    private static final Map<String, long[]> TORCHVISION_COUNTS = Map.of(
            "resnet18", new long[] {11_186_112, 100},
            "resnet34", new long[] {21_301_696, 180},
            "resnet50", new long[] {23_561_152, 265},
            "mobilenetv2", new long[] {1_843_264, 255});

    @Test
    void torchvisionBackbonesHoldExactlyTorchvisionsTensors() {
        for (Map.Entry<String, long[]> e : TORCHVISION_COUNTS.entrySet()) {
            ModelBlueprint bp = ModelBlueprint.of(spec(Task.SEGMENTATION, e.getKey(), 32, ContextHead.NONE));
            ComputationGraph net = new ComputationGraph(bp.withLossOutputs(Map.of("logits", new LossL2())));
            net.init();
            long elements = 0;
            long tensors = 0;
            for (PretrainedLayer layer : bp.pretrainedLayers()) {
                for (org.nd4j.linalg.api.ndarray.INDArray p :
                        net.getLayer(layer.vertex()).paramTable().values()) {
                    elements += p.length();
                    tensors++;
                }
            }
            assertEquals(e.getValue()[0], elements, e.getKey() + " elements");
            assertEquals(e.getValue()[1], tensors, e.getKey() + " tensors");
        }
    }

    @Test
    void resNetAtOutputStride8KeepsLayer3And4AtStride8() {
        ModelBlueprint bp = ModelBlueprint.of(spec(Task.SEGMENTATION, "resnet50", 8, ContextHead.PYRAMID_POOLING));
        assertEquals(new TapInfo("stage1", "layer1.2", 256, 16, 32), bp.tap("stage1"));
        assertEquals(new TapInfo("stage2", "layer2.3", 512, 8, 16), bp.tap("stage2"));
        assertEquals(new TapInfo("stage3", "layer3.5", 1024, 8, 16), bp.tap("stage3"));
        assertEquals(new TapInfo("stage4", "layer4.2", 2048, 8, 16), bp.tap("stage4"));
        assertEquals(new TapInfo("neck", "neck", 512, 8, 16), bp.tap("neck"));
        assertEquals(
                List.of("stage1", "stage2", "stage3", "stage4", "neck", "logits"),
                List.copyOf(bp.taps().keySet()));
    }

    @Test
    void everyBackboneBuildsBothTasksWithTheirTapShapes() {
        // resnet34 differs from resnet18 in block counts only; skipped to keep the test short.
        for (String id : List.of("compact", "resnet18", "resnet50", "mobilenetv2")) {
            for (Task task : Task.values()) {
                ModelBlueprint bp = ModelBlueprint.of(
                        new ModelSpec(task, "m", 8, 1, 8, 5, 32, 64, 1L, ContextHead.PYRAMID_POOLING, 1e-3, id));
                String output = task == Task.SEGMENTATION ? "logits" : "heatmap";
                ComputationGraph net = new ComputationGraph(bp.withLossOutputs(Map.of(output, new LossL2())));
                net.init();
                var input = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 32, 64);
                Map<String, org.nd4j.linalg.api.ndarray.INDArray> acts = net.feedForward(input, false);
                for (TapInfo tap : bp.taps().values()) {
                    if (!acts.containsKey(tap.vertexName())) continue; // pruned head branch
                    assertEquals(
                            List.of(tap.shape(1)[0], tap.shape(1)[1], tap.shape(1)[2], tap.shape(1)[3]),
                            java.util.Arrays.stream(acts.get(tap.vertexName()).shape())
                                    .boxed()
                                    .toList(),
                            id + " " + task + " tap " + tap.name());
                }
                assertTrue(bp.taps().containsKey("neck"), id);
            }
        }
    }

    @Test
    void unknownBackboneAndUnsupportedStrideAreRefusedNamingTheField() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> spec(Task.SEGMENTATION, "resnet101", 8, ContextHead.NONE));
        assertTrue(
                e.getMessage().startsWith("model spec 'm': 'backbone' must be one of compact, resnet18"),
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> spec(Task.SEGMENTATION, "resnet18", 4, ContextHead.NONE));
        assertEquals(
                "model spec 'm': 'outputStride' must be one of [8, 16, 32] for backbone resnet18, cannot be: 4",
                e.getMessage());
    }

    @Test
    void compactBackboneHasNoPretrainedWeights() {
        ModelBlueprint bp = ModelBlueprint.of(spec(Task.SEGMENTATION, "compact", 8, ContextHead.NONE));
        assertTrue(bp.pretrainedLayers().isEmpty());
        assertThrows(
                IllegalArgumentException.class,
                () -> bp.withPretrainedBackbone(
                        new PretrainedBackbone("x.onnx", new io.distill4j.storage.HadoopConf(Map.of()))));
    }

    /**
     * Why MobileNetV2 is not dilated past its output stride: DL4J M2's depthwise convolution
     * (oneDNN build) fails on dilation outright. When this test fails, dilation works: dilate
     * MobileNetV2Backbone as ResNetBackbone is.
     */
    @Test
    void dilatedDepthwiseConvolutionStillFailsInDl4jM2() {
        io.distill4j.util.NativeSetup.init();
        ComputationGraph net = new ComputationGraph(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(8, 8, 4))
                .addLayer(
                        "dw",
                        new org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D.Builder(3, 3)
                                .dilation(2, 2)
                                .padding(2, 2)
                                .depthMultiplier(1)
                                .nOut(4)
                                .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Truncate)
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new org.deeplearning4j.nn.conf.layers.CnnLossLayer.Builder(new LossL2())
                                .activation(org.nd4j.linalg.activations.Activation.IDENTITY)
                                .build(),
                        "dw")
                .setOutputs("out")
                .build());
        net.init();
        RuntimeException e = assertThrows(
                RuntimeException.class, () -> net.outputSingle(org.nd4j.linalg.factory.Nd4j.randn(1, 4, 8, 8)));
        assertTrue(String.valueOf(e.getMessage()).contains("depthwise_conv2d"), e.getMessage());
    }

    private static ModelSpec spec(Task task, String backbone, int os, ContextHead head) {
        return new ModelSpec(task, "m", 8, 1, os, 5, 64, 128, 1L, head, 1e-3, backbone);
    }
}
