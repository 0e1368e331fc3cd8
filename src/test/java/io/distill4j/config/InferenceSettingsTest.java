package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.manifest.DecidingSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceSettingsTest {
    @Test
    void onnxRuntimeIsTheDefaultAndDl4jTheSwitch() {
        assertEquals(
                InferenceSettings.Engine.ONNX_RUNTIME,
                ConfigLoader.load(null, List.of()).inference().engine());
        InferenceSettings dl4j =
                ConfigLoader.load(null, List.of("inference.engine=DL4J")).inference();
        assertEquals(InferenceSettings.Engine.DL4J, dl4j.engine());
        assertFalse(dl4j.onnxRuntime());
        assertEquals("dl4j", dl4j.engine().id());
    }

    @Test
    void anUnknownEngineIsRefusedNamingTheKeyAndTheChoices() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(null, List.of("inference.engine=tensorrt")));
        assertTrue(
                e.getMessage().contains("distill4j.inference.engine")
                        && e.getMessage().contains("onnx-runtime, dl4j"),
                e.getMessage());
    }

    @Test
    void theEngineDecidesNoStagesOutput() {
        // Both engines make the same cache and the same scores, so switching must not invalidate outputs.
        for (List<String> keys : List.of(DecidingSettings.CACHE, DecidingSettings.DISTILL, DecidingSettings.TEACHER)) {
            assertTrue(keys.stream().noneMatch(k -> k.startsWith("distill4j.inference")), keys.toString());
        }
    }
}
