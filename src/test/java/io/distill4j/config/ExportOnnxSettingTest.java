package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExportOnnxSettingTest {
    @Test
    void offByDefaultAndOnWhenSet() {
        assertFalse(ConfigLoader.load(null, List.of()).distill().exportOnnx());
        assertTrue(ConfigLoader.load(null, List.of("distill.export-onnx=true"))
                .distill()
                .exportOnnx());
    }

    @Test
    void keptWhenThePipelineRenamesRuns() {
        DistillSettings d =
                ConfigLoader.load(null, List.of("distill.export-onnx=true")).distill();
        assertTrue(d.withRun("other", List.of()).exportOnnx());
    }

    @Test
    void aNonBooleanIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(null, List.of("distill.export-onnx=maybe")));
        assertTrue(e.getMessage().contains("distill4j.distill.export-onnx"), e.getMessage());
    }
}
