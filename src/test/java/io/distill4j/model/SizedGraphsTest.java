package io.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.util.NativeSetup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SizedGraphsTest {

    @BeforeAll
    static void init() {
        NativeSetup.init(2, true);
    }

    /** A pyramid-pooling teacher with every parameter drawn, batch-norm statistics included. */
    private static ComputationGraph trainedTeacher(ModelBlueprint bp, long seed) {
        ComputationGraph net = TestGraphs.init(TestGraphs.withBuiltInLosses(bp));
        Nd4j.getRandom().setSeed(seed);
        // Uniform 0.5..1.5: positive, so batch-norm variances stay valid.
        net.setParams(Nd4j.rand(net.params().dataType(), net.params().shape()).addi(0.5));
        return net;
    }

    @Test
    void aModelRebuiltAtItsOwnSizeGivesTheSameOutputExactly() {
        ModelBlueprint bp = ModelBlueprint.of(ModelSpec.segmentationTeacher(5, 32, 64));
        assertSame(bp, bp.atSize(32, 64));
        ComputationGraph trained = trainedTeacher(bp, 3);
        ComputationGraph rebuilt = SizedGraphs.withParameters(TestGraphs.withBuiltInLosses(bp.atSize(32, 64)), trained);
        INDArray x = Nd4j.randn(2, 3, 32, 64);
        assertEquals(trained.outputSingle(x), rebuilt.outputSingle(x));
    }

    @Test
    void aModelRebuiltAtTheCropSizeRunsWithTheSameParameters() {
        for (ModelSpec spec :
                new ModelSpec[] {ModelSpec.segmentationTeacher(5, 64, 128), ModelSpec.detectionTeacher(3, 64, 64)}) {
            ModelBlueprint full = ModelBlueprint.of(spec);
            ComputationGraph trained = trainedTeacher(full, 5);
            ModelBlueprint crop = full.atSize(32, 32);
            assertEquals(32, crop.spec().inputHeight());
            assertEquals(full.spec().gridHeight() / 2, crop.tap("neck").height(), spec.name());
            ComputationGraph atCrop = SizedGraphs.withParameters(TestGraphs.withBuiltInLosses(crop), trained);
            assertEquals(trained.params(), atCrop.params(), spec.name());
            // Batch-norm running statistics are among them.
            assertEquals(
                    trained.getLayer("neck_bn").getParam("mean"),
                    atCrop.getLayer("neck_bn").getParam("mean"),
                    spec.name());
            INDArray out = atCrop.output(Nd4j.randn(2, 3, 32, 32))[0];
            assertArrayEquals(
                    new long[] {2, spec.numClasses(), 32 / spec.outputStride(), 32 / spec.outputStride()},
                    out.shape(),
                    spec.name());
        }
    }

    @Test
    void trainingAtTheCropAndGoingBackGivesTheSameModel() {
        ModelBlueprint full = ModelBlueprint.of(ModelSpec.segmentationTeacher(5, 64, 128));
        ComputationGraph trained = trainedTeacher(full, 7);
        ComputationGraph atCrop =
                SizedGraphs.withParameters(TestGraphs.withBuiltInLosses(full.atSize(32, 64)), trained);
        ComputationGraph back = SizedGraphs.withParameters(TestGraphs.withBuiltInLosses(full), atCrop);
        INDArray x = Nd4j.randn(1, 3, 64, 128);
        assertEquals(trained.outputSingle(x), back.outputSingle(x));
    }

    @Test
    void aModelSavedAtOneSizeAndReloadedRunsAtAnother() throws Exception {
        ModelBlueprint full = ModelBlueprint.of(ModelSpec.segmentationTeacher(5, 64, 128));
        ComputationGraph trained = trainedTeacher(full, 9);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(trained, bytes, false);
        ComputationGraph reloaded =
                ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), false);
        ModelBlueprint crop = full.atSize(32, 64);
        INDArray x = Nd4j.randn(2, 3, 32, 64);
        assertEquals(
                SizedGraphs.withParameters(TestGraphs.withBuiltInLosses(crop), trained)
                        .outputSingle(x),
                SizedGraphs.withParameters(TestGraphs.withBuiltInLosses(crop), reloaded)
                        .outputSingle(x));
    }

    @Test
    void aSizeTheStridesCannotDivideIsRefusedInOneLine() {
        ModelBlueprint teacher = ModelBlueprint.of(ModelSpec.segmentationTeacher(5, 64, 128));
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class, () -> teacher.atSize(36, 64));
        assertEquals(
                "model spec 'seg-teacher': 'inputHeight' must be a positive multiple of outputStride 8, cannot be: 36",
                stride.getMessage());
        // 40x64 is a multiple of the stride, but its 5x8 grid cannot be pooled into 2x2 or 4x4 bins.
        IllegalArgumentException bins = assertThrows(IllegalArgumentException.class, () -> teacher.atSize(40, 64));
        assertTrue(bins.getMessage().contains("pyramid bins 2 (grid 5x8)"), bins.getMessage());
        assertTrue(!bins.getMessage().contains("\n"), bins.getMessage());
        // The plain neck has no bins: the stride alone decides.
        ModelBlueprint student = ModelBlueprint.of(ModelSpec.segmentationStudent(5, 64, 128));
        assertEquals(5, student.atSize(40, 64).tap("logits").height());
    }

    @Test
    void mismatchedParameterShapesAreRefusedNamingTheLayer() {
        ComputationGraph fiveClasses = trainedTeacher(ModelBlueprint.of(ModelSpec.segmentationTeacher(5, 32, 64)), 1);
        ModelBlueprint sevenClasses = ModelBlueprint.of(ModelSpec.segmentationTeacher(7, 32, 64));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SizedGraphs.withParameters(TestGraphs.withBuiltInLosses(sevenClasses), fiveClasses));
        assertEquals("layer 'logits': parameter b is [1, 7] here but [1, 5] in the trained graph", e.getMessage());

        // The same student with pyramid pooling has layers the plain-neck student lacks.
        ModelBlueprint plain = ModelBlueprint.of(ModelSpec.segmentationStudent(5, 32, 64));
        ModelBlueprint pooled = ModelBlueprint.of(new ModelSpec(
                Task.SEGMENTATION, "seg-student", 16, 1, 8, 5, 32, 64, 7L, ContextHead.PYRAMID_POOLING, 1e-3));
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> SizedGraphs.withParameters(
                        TestGraphs.withBuiltInLosses(pooled), TestGraphs.init(TestGraphs.withBuiltInLosses(plain))));
        assertTrue(missing.getMessage().startsWith("layer 'ppm_bin"), missing.getMessage());
        assertTrue(
                missing.getMessage().endsWith("has parameters but the trained graph has no such layer with parameters"),
                missing.getMessage());
    }
}
