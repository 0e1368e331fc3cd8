package io.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.distill4j.util.NativeSetup;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * The torchvision backbones against torchvision itself: ONNX files exported by PyTorch from
 * torchvision's own classes (src/test/python/export_torchvision_backbones.py, random weights and
 * BatchNorm statistics), loaded by {@link TorchvisionWeights}; every stage's features must equal
 * ONNX Runtime's on the same input within 1e-4 of the tensor's largest magnitude. MobileNetV2
 * (width 0.25) is checked in; ResNet-18 (45 MB) is exported at test time when a python3 with
 * torch, torchvision and onnx exists, and the test is skipped (saying so) otherwise.
 */
class TorchvisionBackboneTest {

    private static final Path RESOURCES = Path.of("src/test/resources/backbones");
    private static final int BATCH = 2;
    private static final int HEIGHT = 64;
    private static final int WIDTH = 96;
    private static final double TOLERANCE = 1e-4;

    @BeforeAll
    static void nativeSetup() {
        NativeSetup.init();
    }

    @Test
    void mobileNetV2StagesEqualOnnxRuntimeOnTorchvisionWeights() throws Exception {
        Set<String> loaded = assertStagesMatch(RESOURCES.resolve("mobilenet_v2_w025.onnx"), "mobilenetv2-0.25", 32);
        // One to one: every tensor of the file is loaded except the parts not built.
        Set<String> all = fileTensors(RESOURCES.resolve("mobilenet_v2_w025.onnx"));
        Set<String> unused = new TreeSet<>(all);
        unused.removeAll(loaded);
        assertTrue(
                unused.stream().allMatch(n -> n.startsWith("features.18.") || n.startsWith("classifier.")),
                "tensors left unused: " + unused);
    }

    @Test
    void resNet18StagesEqualOnnxRuntimeAtOutputStride32And8() throws Exception {
        Path dir = exportedAtTestTime("resnet18", "resnet18_os8");
        Set<String> loaded = assertStagesMatch(dir.resolve("resnet18.onnx"), "resnet18", 32);
        Set<String> unused = new TreeSet<>(fileTensors(dir.resolve("resnet18.onnx")));
        unused.removeAll(loaded);
        assertEquals(Set.of("fc.weight", "fc.bias"), unused);
        // Dilated layer3/layer4 (PyTorch's model patched by the script with the same rule).
        assertStagesMatch(dir.resolve("resnet18_os8.onnx"), "resnet18", 8);
    }

    @Test
    void foldedBatchNormFileIsRefusedWithTheExportCommand() throws Exception {
        ModelBlueprint bp = blueprint("mobilenetv2-0.25", 32);
        ComputationGraph net = initialised(bp);
        INDArray before = net.params().dup();
        PretrainedWeightsException e = assertThrows(
                PretrainedWeightsException.class,
                () -> load(RESOURCES.resolve("mobilenet_v2_w025_folded.onnx"), net, bp));
        assertTrue(
                e.getMessage().contains("no tensor 'features.0.0.weight' and no BatchNormalization node"),
                e.getMessage());
        assertTrue(e.getMessage().contains("TrainingMode.PRESERVE"), e.getMessage());
        assertEquals(before, net.params(), "a refused file must leave the network untouched");
    }

    @Test
    void fileOfAnotherWidthIsRefusedNamingTheTensorAndBothShapes() throws Exception {
        ModelBlueprint bp = blueprint("mobilenetv2-0.5", 32);
        ComputationGraph net = initialised(bp);
        INDArray before = net.params().dup();
        PretrainedWeightsException e = assertThrows(
                PretrainedWeightsException.class, () -> load(RESOURCES.resolve("mobilenet_v2_w025.onnx"), net, bp));
        assertEquals(
                RESOURCES.resolve("mobilenet_v2_w025.onnx") + ": tensor 'features.0.0.weight' has shape [8, 3, 3, 3]"
                        + " but mobilenetv2-0.5 needs [16, 3, 3, 3] for layer 'features.0.0'",
                e.getMessage());
        assertEquals(before, net.params(), "a refused file must leave the network untouched");
    }

    @Test
    void fileOfAnotherArchitectureIsRefusedNamingTheMissingTensor() throws Exception {
        ModelBlueprint bp = blueprint("resnet18", 32);
        ComputationGraph net = initialised(bp);
        PretrainedWeightsException e = assertThrows(
                PretrainedWeightsException.class, () -> load(RESOURCES.resolve("mobilenet_v2_w025.onnx"), net, bp));
        assertTrue(
                e.getMessage()
                        .startsWith(RESOURCES.resolve("mobilenet_v2_w025.onnx")
                                + ": no tensor 'conv1.weight', which resnet18 needs for layer 'conv1'"),
                e.getMessage());
    }

    @Test
    void notAnOnnxFileIsRefusedNamingIt() {
        PretrainedWeightsException e = assertThrows(
                PretrainedWeightsException.class,
                () -> TorchvisionWeights.read(new java.io.ByteArrayInputStream("not onnx".getBytes()), "x.onnx"));
        assertTrue(e.getMessage().startsWith("x.onnx: not an ONNX model"), e.getMessage());
    }

    @Test
    void tensorsStoredOnceAndPassedOnThroughIdentityNodesAreFound() {
        // torch 1.13 keeps one of several equal tensors and adds Identity nodes for the others.
        onnx.Onnx.TensorProto kept = onnx.Onnx.TensorProto.newBuilder()
                .setName("bn1.bias")
                .addDims(2)
                .setDataType(onnx.Onnx.TensorProto.DataType.FLOAT)
                .addFloatData(0f)
                .addFloatData(0f)
                .build();
        onnx.Onnx.NodeProto alias = onnx.Onnx.NodeProto.newBuilder()
                .setOpType("Identity")
                .addInput("bn1.bias")
                .addOutput("bn1.running_mean")
                .build();
        onnx.Onnx.ModelProto model = onnx.Onnx.ModelProto.newBuilder()
                .setGraph(onnx.Onnx.GraphProto.newBuilder().addInitializer(kept).addNode(alias))
                .build();
        TorchvisionWeights w = TorchvisionWeights.read(new java.io.ByteArrayInputStream(model.toByteArray()), "m.onnx");
        assertEquals(Set.of("bn1.bias", "bn1.running_mean"), w.names());
    }

    // ---------------------------------------------------------------------------------------------

    private static Path exportedAtTestTime(String... models) throws Exception {
        String python = TorchPython.find().orElse(null);
        Assumptions.assumeTrue(
                python != null,
                "no python3 with torch, torchvision and onnx on PATH or in /usr/bin "
                        + "(apt-get install python3-torch python3-torchvision python3-onnx): ResNet-18 not checked");
        Path dir = Path.of("target/torchvision-backbones");
        Files.createDirectories(dir);
        boolean all = java.util.Arrays.stream(models).allMatch(m -> Files.exists(dir.resolve(m + ".onnx")));
        if (!all) assertEquals(0, TorchPython.export(python, dir, models), "export script failed");
        return dir;
    }

    static ModelBlueprint blueprint(String backbone, int outputStride) {
        ModelSpec spec = new ModelSpec(
                Task.SEGMENTATION,
                "tv-" + backbone,
                16,
                1,
                outputStride,
                19,
                HEIGHT,
                WIDTH,
                3L,
                ContextHead.NONE,
                1e-3,
                backbone);
        return ModelBlueprint.of(spec);
    }

    private static ComputationGraph initialised(ModelBlueprint bp) {
        ComputationGraph net = new ComputationGraph(bp.withLossOutputs(Map.of("logits", new LossL2())));
        net.init();
        return net;
    }

    private static Set<String> load(Path file, ComputationGraph net, ModelBlueprint bp) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return TorchvisionWeights.read(in, file.toString())
                    .loadInto(net, bp.pretrainedLayers(), bp.spec().backbone());
        }
    }

    private static Set<String> fileTensors(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return TorchvisionWeights.read(in, file.toString()).names();
        }
    }

    /** Loads the file, runs both, compares stage1..stage4; returns the tensors loaded. */
    private static Set<String> assertStagesMatch(Path file, String backbone, int outputStride) throws Exception {
        ModelBlueprint bp = blueprint(backbone, outputStride);
        ComputationGraph net = initialised(bp);
        Set<String> loaded = load(file, net, bp);

        Nd4j.getRandom().setSeed(11);
        INDArray input =
                Nd4j.rand(DataType.FLOAT, BATCH, 3, HEIGHT, WIDTH).subi(0.5).muli(4);
        Map<String, INDArray> dl4j = net.feedForward(input, false);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(input.dup().data().asFloat()), new long[] {BATCH, 3, HEIGHT, WIDTH});
                OrtSession.Result result = session.run(Map.of("image", x))) {
            for (int s = 1; s <= 4; s++) {
                String stage = "stage" + s;
                TapInfo tap = bp.tap(stage);
                OnnxTensor ref = (OnnxTensor) result.get(stage).orElseThrow();
                long[] refShape = ref.getInfo().getShape();
                assertArrayEquals(tap.shape(BATCH), refShape, stage + " shape");
                INDArray expected = Nd4j.create(ref.getFloatBuffer().array(), refShape, 'c');
                INDArray actual = dl4j.get(tap.vertexName()).castTo(DataType.FLOAT);
                double scale = expected.amaxNumber().doubleValue();
                double error = actual.sub(expected).amaxNumber().doubleValue();
                System.out.printf(
                        "%s os%d %s: max |dl4j - onnxruntime| %.3g, scale %.3g, ratio %.2g%n",
                        backbone, outputStride, stage, error, scale, error / scale);
                assertTrue(
                        error <= TOLERANCE * scale,
                        String.format(
                                "%s %s os%d: max error %.3g vs scale %.3g",
                                backbone, stage, outputStride, error, scale));
            }
        }
        return loaded;
    }
}
