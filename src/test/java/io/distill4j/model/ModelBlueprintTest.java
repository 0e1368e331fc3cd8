package io.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.util.NativeSetup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

class ModelBlueprintTest {

    @BeforeAll
    static void init() {
        NativeSetup.init(2, true);
    }

    static List<ModelBlueprint> allModels() {
        return List.of(
                ModelBlueprint.of(ModelSpec.segmentationTeacher(5, 32, 64)),
                ModelBlueprint.of(ModelSpec.segmentationStudent(5, 32, 64)),
                ModelBlueprint.of(ModelSpec.detectionTeacher(3, 32, 32)),
                ModelBlueprint.of(ModelSpec.detectionStudent(3, 32, 32)));
    }

    @Test
    void everyDeclaredTapShapeEqualsTheForwardActivationShape() {
        for (ModelBlueprint blueprint : allModels()) {
            ComputationGraph net = TestGraphs.init(TestGraphs.withBuiltInLosses(blueprint));
            INDArray image = Nd4j.randn(
                    2, 3, blueprint.spec().inputHeight(), blueprint.spec().inputWidth());
            Map<String, INDArray> activations = net.feedForward(image, false);
            for (TapInfo tap : blueprint.taps().values()) {
                INDArray act = activations.get(tap.vertexName());
                assertArrayEquals(tap.shape(2), act.shape(), blueprint.spec().name() + " tap " + tap.name());
            }
        }
    }

    @Test
    void segmentationLogitsStayAtTheOutputStride() {
        ModelBlueprint student = ModelBlueprint.of(ModelSpec.segmentationStudent(19, 64, 128));
        assertEquals(new TapInfo("logits", "logits", 19, 8, 16), student.tap("logits"));
        ModelBlueprint det = ModelBlueprint.of(ModelSpec.detectionStudent(80, 128, 128));
        assertEquals(new TapInfo("reg", "reg", 4, 32, 32), det.tap("reg"));
    }

    @Test
    void teacherHasSeveralTimesTheStudentsParameters() {
        ModelBlueprint teacher = ModelBlueprint.of(ModelSpec.segmentationTeacher(19, 64, 128));
        ModelBlueprint student = ModelBlueprint.of(ModelSpec.segmentationStudent(19, 64, 128));
        assertTrue(teacher.parameterCount() > 4 * student.parameterCount(), teacher.describe() + student.describe());
        assertTrue(teacher.describe().contains("params=" + teacher.parameterCount()));
        assertTrue(teacher.describe().contains("tap neck <- neck: 64x8x16"), teacher.describe());
    }

    @Test
    void configurationSurvivesJsonRoundTrip() {
        for (ModelBlueprint blueprint : allModels()) {
            ComputationGraphConfiguration conf = TestGraphs.withBuiltInLosses(blueprint);
            ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
            assertEquals(conf, back, blueprint.spec().name());
            assertEquals(conf.toJson(), back.toJson(), blueprint.spec().name());
        }
    }

    @Test
    void lossOutputsSeeTheWholeMapFlattenedInNchwOrder() {
        ModelBlueprint student = ModelBlueprint.of(ModelSpec.segmentationStudent(3, 32, 32));
        Map<String, ILossFunction> losses = new LinkedHashMap<>();
        losses.put("logits", new LossL2());
        losses.put("neck", new LossL2());
        ComputationGraphConfiguration conf = student.withLossOutputs(losses);
        assertEquals(List.of("out_logits", "out_neck"), conf.getNetworkOutputs());
        ComputationGraph net = TestGraphs.init(ComputationGraphConfiguration.fromJson(conf.toJson()));
        INDArray image = Nd4j.randn(2, 3, 32, 32);
        INDArray[] out = net.output(image);
        INDArray logits = net.feedForward(image, false).get("logits");
        assertArrayEquals(new long[] {2, 3 * 4 * 4}, out[0].shape());
        assertEquals(logits.reshape('c', 2, 48), out[0]);
        assertArrayEquals(new long[] {2, 32 * 4 * 4}, out[1].shape());
    }

    @Test
    void adapterMapsATapToTheRequestedChannels() {
        ModelBlueprint student = ModelBlueprint.of(ModelSpec.segmentationStudent(3, 32, 32));
        var graph = student.graphBuilder();
        TapInfo adapted = GraphHeads.addConvAdapter(graph, "adapt_stage3", student.tap("stage3"), 128);
        GraphHeads.addLossOutput(graph, "out", adapted, new LossL2());
        ComputationGraph net = TestGraphs.init(graph.setOutputs("out").build());
        INDArray act = net.feedForward(Nd4j.randn(1, 3, 32, 32), false).get("adapt_stage3");
        assertArrayEquals(adapted.shape(1), act.shape());
        assertEquals(new TapInfo("adapt_stage3", "adapt_stage3", 128, 4, 4), adapted);
    }

    @Test
    void specValidationNamesTheField() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ModelSpec.segmentationStudent(19, 60, 128));
        assertTrue(e.getMessage().contains("'inputHeight'") && e.getMessage().contains("60"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new ModelSpec(Task.DETECTION, "x", 16, 1, 16, 3, 64, 64, 1, ContextHead.NONE, 1e-3));
        assertTrue(e.getMessage().contains("'outputStride'"), e.getMessage());
        // 8x8 input at stride 8 is a 1x1 grid: pyramid bins 2 and 4 cannot divide it.
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.segmentationTeacher(19, 8, 8));
        assertTrue(e.getMessage().contains("pyramid bins 2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> ModelBlueprint.of(ModelSpec.segmentationStudent(3, 32, 32))
                        .tap("stage9"));
        assertTrue(e.getMessage().contains("stage9") && e.getMessage().contains("logits"), e.getMessage());
    }
}
