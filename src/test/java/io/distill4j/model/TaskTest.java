package io.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The task's name, builder and heads: what manifests, ONNX files and evaluate rely on. */
class TaskTest {

    @Test
    void idsAreTheRecordedNames() {
        assertEquals("segmentation", Task.SEGMENTATION.id());
        assertEquals("detection", Task.DETECTION.id());
        assertSame(Task.DETECTION, Task.byId("detection"));
        assertThrows(IllegalArgumentException.class, () -> Task.byId("DETECTION"));
    }

    @Test
    void headsMatchTheBuiltModels() {
        for (ModelSpec spec :
                List.of(ModelSpec.segmentationStudent(5, 32, 32), ModelSpec.detectionStudent(3, 32, 32))) {
            ModelBlueprint bp = ModelBlueprint.of(spec);
            assertEquals(spec.task(), bp.spec().task());
            Map<String, Integer> heads = spec.task().headChannels(spec.numClasses());
            heads.forEach((name, channels) -> {
                assertEquals(name, bp.tap(name).vertexName());
                assertEquals(channels, bp.tap(name).channels());
            });
        }
        assertEquals(
                List.of("heatmap", "reg"),
                List.copyOf(Task.DETECTION.headChannels(3).keySet()));
        assertEquals(Map.of("logits", 19), Task.SEGMENTATION.headChannels(19));
    }
}
