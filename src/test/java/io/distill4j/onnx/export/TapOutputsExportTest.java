package io.distill4j.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.train.DetectionObjective;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.train.TrainingObjective;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A teacher as train-teacher writes teacher.zip (the whole training graph, loss layers included)
 * exported with every tap the cache may hold (stage taps, neck, heads) as extra outputs: what
 * {@code inference.engine = onnx-runtime} runs. Each tap equals DL4J's within 1e-4 of its scale.
 */
class TapOutputsExportTest {
    private static final int[] CATEGORIES = {3, 18};

    private static void exportEveryTapAndCompare(ModelSpec spec) throws Exception {
        ModelBlueprint bp = ModelBlueprint.of(spec);
        TrainingObjective objective = spec.task() == Task.SEGMENTATION
                ? SegmentationObjective.of(bp, Map.of(), List.of())
                : DetectionObjective.of(bp, CATEGORIES);
        ComputationGraph net = new ComputationGraph(objective.configuration());
        net.init();
        OrtSupport.randomize(net, 5);
        List<String> vertices = new ArrayList<>();
        for (TapInfo t : bp.taps().values()) vertices.add(t.vertexName());
        assertTrue(vertices.size() >= 3, spec.name() + ": taps " + vertices);

        OnnxExporter.Exported e =
                OnnxExporter.export(net, new SpatialSize(spec.inputHeight(), spec.inputWidth()), vertices);
        assertTrue(
                e.outputs().keySet().containsAll(vertices), e.outputs().keySet().toString());
        assertEquals(e.outputs().size(), e.model().getGraph().getOutputCount(), "each output once, heads not repeated");
        INDArray x = OrtSupport.input(3, 2, 3, spec.inputHeight(), spec.inputWidth());
        Map<String, INDArray> ort = OrtSupport.run(e.model().toByteArray(), x);
        Map<String, INDArray> dl4j = net.feedForward(x, false);
        for (String v : vertices) {
            OrtSupport.assertClose(dl4j.get(v).castTo(DataType.FLOAT), ort.get(v), spec.name() + " tap " + v);
            long[] shape = ort.get(v).shape();
            assertEquals(spec.inputHeight() / e.outputs().get(v).stride(), shape[2], 1e-9, v + ": stride recorded");
        }
    }

    @Test
    void segmentationTeacherExportsItsStageTapsAndNeckBesideTheLogits() throws Exception {
        exportEveryTapAndCompare(ModelSpec.segmentationTeacher(19, 64, 128));
    }

    @Test
    void detectionTeacherExportsItsTapsBesideHeatmapAndReg() throws Exception {
        exportEveryTapAndCompare(ModelSpec.detectionTeacher(CATEGORIES.length, 64, 64));
    }

    @Test
    void aVertexTheGraphLacksIsRefusedByName() {
        ComputationGraph net = new ComputationGraph(SegmentationObjective.of(
                        ModelBlueprint.of(ModelSpec.segmentationStudent(19, 32, 64)), Map.of(), List.of())
                .studentOnlyConfiguration());
        net.init();
        OnnxExportException e = assertThrows(
                OnnxExportException.class, () -> OnnxExporter.export(net, new SpatialSize(32, 64), List.of("stage9")));
        assertTrue(e.getMessage().contains("'stage9'"), e.getMessage());
    }
}
