package io.distill4j.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Views decide a run or a cache only when they are used, so outputs made without them are still reused. */
class ViewDecidingSettingsTest {
    static com.typesafe.config.Config resolved(String... overrides) {
        return ConfigLoader.load(null, List.of(overrides)).resolvedConfig();
    }

    @Test
    void unaugmentedRunsAndWholeImageCachesKeepTheirSettings() {
        assertFalse(DecidingSettings.distill(resolved()).values().containsKey("distill4j.train.augment.hflip"));
        assertEquals(
                DecidingSettings.CACHE.size(),
                DecidingSettings.cache(resolved("train.augment.hflip=0.5"))
                        .values()
                        .size());
    }

    @Test
    void augmentedRunsAndCachesOfViewsNameTheViewsThatDiffer() {
        StageSettings flip = DecidingSettings.distill(resolved("train.augment.hflip=0.5"));
        StageSettings half = DecidingSettings.distill(resolved("train.augment.hflip=0.25"));
        assertTrue(flip.values().containsKey("distill4j.train.augment.hflip"));
        assertTrue(
                flip.firstDifference(half)
                        .orElseThrow()
                        .contains("distill4j.train.augment.hflip is 0.25 there but 0.5 now"),
                flip.firstDifference(half).get());
        assertTrue(DecidingSettings.distill(resolved("distill.teacher-views=transform"))
                .values()
                .containsKey("distill4j.distill.teacher-views"));
        StageSettings k4 = DecidingSettings.cache(resolved("cache.views-per-sample=4", "train.augment.hflip=0.5"));
        StageSettings k4seed = DecidingSettings.cache(
                resolved("cache.views-per-sample=4", "train.augment.hflip=0.5", "cache.view-seed=2"));
        assertTrue(
                k4.firstDifference(k4seed).orElseThrow().contains("distill4j.cache.view-seed"),
                k4.firstDifference(k4seed).get());
    }
}
