package io.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.util.NativeSetup;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

class CrossHeadGrafterTest {

    private static ModelBlueprint teacherBlueprint;
    private static ComputationGraph teacher;

    @BeforeAll
    static void trainedTeacher() {
        NativeSetup.init(2, true);
        teacherBlueprint = ModelBlueprint.of(ModelSpec.detectionTeacher(3, 32, 32));
        teacher = TestGraphs.init(TestGraphs.withBuiltInLosses(teacherBlueprint));
        // One step so the parameters are not just the initialisation a student could share by seed.
        teacher.fit(new MultiDataSet(
                new INDArray[] {Nd4j.randn(2, 3, 32, 32)},
                new INDArray[] {Nd4j.rand(2, 3, 8, 8), Nd4j.rand(2, 4, 8, 8)}));
    }

    @Test
    void graftedHeadReproducesTheTeacherHeadOnTheSameFeatures() {
        TapInfo headFeat = teacherBlueprint.tap("head_feat");
        // A "student" whose tap is fed directly with features, so both heads see identical input.
        GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("feat")
                .setInputTypes(InputType.convolutional(headFeat.height(), headFeat.width(), headFeat.channels()));
        TapInfo feat = new TapInfo("feat", "feat", headFeat.channels(), headFeat.height(), headFeat.width());
        GraftedHead head = CrossHeadGrafter.graft(graph, feat, teacher, teacherBlueprint.taps(), "head_feat", "cross_");
        assertEquals(
                Map.of(
                        "heatmap_conv",
                        "cross_heatmap_conv",
                        "heatmap",
                        "cross_heatmap",
                        "reg_conv",
                        "cross_reg_conv",
                        "reg",
                        "cross_reg"),
                head.copiedLayers());
        GraphHeads.addLossOutput(graph, "out_hm", head.output("heatmap"), new LossL2());
        GraphHeads.addLossOutput(graph, "out_reg", head.output("reg"), new LossL2());
        ComputationGraphConfiguration conf =
                graph.setOutputs("out_hm", "out_reg").build();
        ComputationGraph grafted = TestGraphs.init(ComputationGraphConfiguration.fromJson(conf.toJson()));
        CrossHeadGrafter.copyTeacherParameters(grafted, teacher, head);

        INDArray image = Nd4j.randn(2, 3, 32, 32);
        Map<String, INDArray> teacherActs = teacher.feedForward(image, false);
        Map<String, INDArray> graftedActs = grafted.feedForward(teacherActs.get("head_feat"), false);
        for (String tap : new String[] {"heatmap", "reg"}) {
            INDArray expected = teacherActs.get(tap);
            INDArray actual = graftedActs.get("cross_" + tap);
            assertArrayEquals(expected.shape(), actual.shape(), tap);
            assertTrue(expected.equalsWithEps(actual, 1e-5), tap + " differs from the teacher head");
        }
    }

    @Test
    void crossHeadLossTrainsTheStudentAndLeavesTheTeacherCopyFrozen() {
        ModelBlueprint studentBlueprint = ModelBlueprint.of(ModelSpec.detectionStudent(3, 32, 32));
        GraphBuilder graph = studentBlueprint.graphBuilder();
        // Student head_feat has 32 channels, the teacher's 64: an adapter is inserted.
        GraftedHead head = CrossHeadGrafter.graft(
                graph, studentBlueprint.tap("head_feat"), teacher, teacherBlueprint.taps(), "head_feat", "cross_");
        assertEquals("cross_adapter", head.input());
        GraphHeads.addLossOutput(graph, "out_cross_hm", head.output("heatmap"), new LossL2());
        ComputationGraph student = TestGraphs.init(
                GraphHeads.pruneToOutputs(graph.setOutputs("out_cross_hm")).build());
        assertTrue(
                student.getVertex("cross_reg") == null && student.getVertex("reg") == null,
                "branches without a loss are pruned");
        CrossHeadGrafter.copyTeacherParameters(student, teacher, head);

        INDArray frozenBefore = student.getLayer("cross_heatmap_conv").params().dup();
        INDArray stemBefore = student.getLayer("stem_conv").params().dup();
        student.fit(new MultiDataSet(Nd4j.randn(2, 3, 32, 32), Nd4j.rand(2, 3 * 8 * 8)));

        assertEquals(frozenBefore, student.getLayer("cross_heatmap_conv").params(), "grafted teacher layer moved");
        assertEquals(
                teacher.getLayer("heatmap_conv").params(),
                student.getLayer("cross_heatmap_conv").params());
        assertNotEquals(
                stemBefore,
                student.getLayer("stem_conv").params(),
                "no gradient reached the student through the frozen teacher head");
    }

    @Test
    void graftingAcrossDifferentGridsIsRefused() {
        ModelBlueprint student = ModelBlueprint.of(ModelSpec.detectionStudent(3, 64, 64));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CrossHeadGrafter.graft(
                        student.graphBuilder(),
                        student.tap("head_feat"),
                        teacher,
                        teacherBlueprint.taps(),
                        "head_feat",
                        "x_"));
        assertTrue(e.getMessage().contains("16x16") && e.getMessage().contains("8x8"), e.getMessage());
    }

    @Test
    void graftingThroughBatchNormIsRefused() {
        ModelBlueprint student = ModelBlueprint.of(ModelSpec.detectionStudent(3, 32, 32));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CrossHeadGrafter.graft(
                        student.graphBuilder(), student.tap("stage3"), teacher, teacherBlueprint.taps(), "neck", "x_"));
        assertTrue(e.getMessage().contains("batch norm"), e.getMessage());
    }
}
