package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluateSettingsTest {
    @Test
    void defaultsExportNothingAndKeepCocoevalsHundredDetections() {
        EvaluateSettings e = ConfigLoader.load(null, List.of()).evaluate();
        assertFalse(e.exportPredictions());
        assertEquals(100, e.maxDetections());
        assertEquals(0.01, e.scoreThreshold());
    }

    @Test
    void overridesAreRead() {
        EvaluateSettings e = ConfigLoader.load(
                        null,
                        List.of(
                                "evaluate.export-predictions=true",
                                "evaluate.max-detections=300",
                                "evaluate.score-threshold=0"))
                .evaluate();
        assertTrue(e.exportPredictions());
        assertEquals(300, e.maxDetections());
        assertEquals(0.0, e.scoreThreshold());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        for (String bad : List.of(
                "evaluate.export-predictions=sometimes", "evaluate.max-detections=0", "evaluate.score-threshold=1.5")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of(bad)), bad);
            String key = "distill4j." + bad.substring(0, bad.indexOf('='));
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }
}
