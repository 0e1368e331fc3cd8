package io.distill4j.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageSettingsTest {
    private static Distill4jConfig load(String... overrides) {
        return ConfigLoader.load(null, List.of(overrides));
    }

    @Test
    void aChangedDecidingSettingIsNamedWithBothValues() {
        StageSettings before = DecidingSettings.teacher(load().resolvedConfig());
        StageSettings after = DecidingSettings.teacher(load("teacher.epochs=3").resolvedConfig());
        assertEquals(
                "distill4j.teacher.epochs is 12 there but 3 now",
                after.firstDifference(before).orElseThrow());
        assertNotEquals(before.fingerprint(), after.fingerprint());
        assertTrue(before.firstDifference(before).isEmpty());
    }

    @Test
    void settingsThatDoNotDecideTheOutputAreLeftOut() {
        StageSettings a = DecidingSettings.distill(load().resolvedConfig());
        StageSettings b = DecidingSettings.distill(
                load("train.prefetch=5", "distill.resume=false", "spark.ui=true", "work-dir=/elsewhere")
                        .resolvedConfig());
        assertEquals(a, b);
        assertEquals(a.fingerprint(), b.fingerprint());
    }

    @Test
    void subtreesAreFlattenedToTheirKeys() {
        StageSettings s = DecidingSettings.distill(load("model.student.width=7").resolvedConfig());
        assertEquals("7", s.values().get("distill4j.model.student.width"));
        StageSettings t = DecidingSettings.distill(
                load("distill.terms=[{kind=cwd, student-tap=logits, teacher-output=logits, weight=2}]")
                        .resolvedConfig());
        assertTrue(
                t.firstDifference(DecidingSettings.distill(load().resolvedConfig()))
                        .orElseThrow()
                        .startsWith("distill4j.distill.terms is "),
                "terms are one setting");
    }

    @Test
    void shardSettingsFromTheRecordsMatchTheConfiguration() {
        Distill4jConfig c = load("shard.height=32", "dataset.splits=[val]");
        StageSettings fromRecords = DecidingSettings.shard(c.dataset(), c.shard());
        assertEquals(StageSettings.of(c.resolvedConfig(), DecidingSettings.SHARD), fromRecords);
        assertEquals("32", fromRecords.values().get("distill4j.shard.height"));
    }
}
