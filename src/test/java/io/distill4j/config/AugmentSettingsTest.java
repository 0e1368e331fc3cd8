package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AugmentSettingsTest {
    @Test
    void augmentationIsOffByDefault() {
        Distill4jConfig c = ConfigLoader.load(null, List.of());
        assertTrue(c.augment().isOff());
        assertEquals(AugmentSettings.OFF, c.augment());
        assertFalse(c.distill().transformTeacherViews());
    }

    @Test
    void theCityscapesRecipeParses() {
        Distill4jConfig c = ConfigLoader.load(
                null,
                List.of(
                        "train.augment.scale=[0.5, 2.0]",
                        "train.augment.crop=[512, 1024]",
                        "train.augment.hflip=0.5",
                        "distill.teacher-views=transform"));
        assertEquals(new AugmentSettings(0.5, 2.0, 512, 1024, 0.5), c.augment());
        assertEquals(512, c.augment().inputHeight(1024));
        assertEquals(64, AugmentSettings.OFF.inputHeight(64));
        assertTrue(c.distill().transformTeacherViews());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertMessage(
                "distill4j.train.augment.scale: must satisfy 0 < min <= max <= 16, got [2.0, 0.5]",
                "train.augment.scale=[2.0, 0.5]");
        assertMessage("distill4j.train.augment.scale: expected [min, max], got 1 numbers", "train.augment.scale=[1.5]");
        assertMessage(
                "distill4j.train.augment.crop: must be [0, 0] (the shard size) or two whole sizes in 1..8192, got [512.5, 1024.0]",
                "train.augment.crop=[512.5, 1024]");
        assertMessage("distill4j.train.augment.hflip: must be in 0.0..1.0, got 1.5", "train.augment.hflip=1.5");
        assertMessage(
                "distill4j.distill.teacher-views: must be one of exact, transform, got 'warp'",
                "distill.teacher-views=warp");
    }

    private static void assertMessage(String start, String override) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of(override)));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
