package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.util.MemoryCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** distill4j.spark.memory-check: auto by default, the four values, anything else refused naming the key. */
class MemoryCheckSettingTest {
    @Test
    void autoByDefaultTheFourValuesAndARefusalNamingTheKey() {
        assertEquals(
                MemoryCheck.AUTO, ConfigLoader.load(null, List.of()).spark().memoryCheck());
        for (MemoryCheck m : MemoryCheck.values()) {
            String value = m.name().toLowerCase(java.util.Locale.ROOT);
            assertEquals(
                    m,
                    ConfigLoader.load(null, List.of("spark.memory-check=" + value))
                            .spark()
                            .memoryCheck());
        }
        ConfigException e = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(null, List.of("spark.memory-check=sometimes")));
        assertTrue(
                e.getMessage().startsWith("distill4j.spark.memory-check: must be one of auto, fail, warn, off"),
                e.getMessage());
    }
}
