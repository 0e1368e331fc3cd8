package io.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distill4j.util.NativeSetup;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The built models keep each layer's forward pass for backprop (CacheMode.DEVICE) instead of DL4J's
 * default of recomputing it (NONE): that must change speed only, so the parameters after a few
 * training steps are bit for bit those of the default.
 */
class CacheModeTest {

    @BeforeAll
    static void init() {
        NativeSetup.init(2, true);
    }

    @Test
    void builtModelsKeepForwardPassesForBackprop() {
        for (ModelBlueprint blueprint : ModelBlueprintTest.allModels()) {
            ComputationGraphConfiguration conf = TestGraphs.withBuiltInLosses(blueprint);
            assertEquals(CacheMode.DEVICE, conf.getCacheMode(), blueprint.spec().name());
            assertEquals(
                    CacheMode.DEVICE,
                    ComputationGraphConfiguration.fromJson(conf.toJson()).getCacheMode(),
                    blueprint.spec().name()
                            + " after the JSON round trip a saved model and Spark's workers go through");
        }
    }

    @Test
    void segmentationStudentParametersAreBitIdenticalToRecomputingForwardPasses() {
        assertSameTraining(ModelBlueprint.of(ModelSpec.segmentationStudent(5, 32, 64)));
    }

    @Test
    void segmentationTeacherParametersAreBitIdenticalToRecomputingForwardPasses() {
        assertSameTraining(ModelBlueprint.of(ModelSpec.segmentationTeacher(5, 32, 64)));
    }

    @Test
    void detectionStudentParametersAreBitIdenticalToRecomputingForwardPasses() {
        assertSameTraining(ModelBlueprint.of(ModelSpec.detectionStudent(3, 32, 32)));
    }

    private static void assertSameTraining(ModelBlueprint blueprint) {
        ComputationGraphConfiguration device = TestGraphs.withBuiltInLosses(blueprint);
        ComputationGraphConfiguration none = device.clone();
        none.setCacheMode(CacheMode.NONE);
        Nd4j.getRandom().setSeed(11);
        INDArray image = Nd4j.randn(
                2, 3, blueprint.spec().inputHeight(), blueprint.spec().inputWidth());
        MultiDataSet data = new MultiDataSet(new INDArray[] {image}, OneDnnHelperEquivalenceTest.labels(blueprint, 2));
        float[] withCache = trainedParameters(device, data);
        float[] recomputed = trainedParameters(none, data);
        assertArrayEquals(
                recomputed, withCache, blueprint.spec().name() + ": parameters after 3 steps, DEVICE vs NONE");
    }

    private static float[] trainedParameters(ComputationGraphConfiguration conf, MultiDataSet data) {
        ComputationGraph net = TestGraphs.init(conf.clone());
        for (int i = 0; i < 3; i++) net.fit(data);
        return net.params().toFloatVector();
    }
}
