package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline student run's configuration is its own: saved and loaded back, it is that run. */
class StudentRunConfigTest {
    @TempDir
    Path dir;

    @Test
    void everyStudentRunOfEverySeedRoundTripsThroughItsSavedConfiguration() throws Exception {
        Distill4jConfig base = ConfigLoader.load(
                new java.io.File("conf/methods-sample.conf"),
                List.of("pipeline.seeds=[3,5]", "hadoop.conf={\"fs.s3a.secret.key\"=\"s3cr3t\"}"));
        List<PipelineSettingsStudent> checked = new java.util.ArrayList<>();
        for (long seed : base.pipeline().seeds()) {
            for (int i = 0; i < base.pipeline().students().size(); i++) {
                PipelineSettings.StudentRun s = base.pipeline().students().get(i);
                Distill4jConfig run = base.forStudentRun(i, s.runId() + "-s" + seed, seed);
                Path saved = dir.resolve(s.runId() + "-s" + seed + ".conf");
                Files.writeString(saved, run.redactedJson());
                Distill4jConfig back = ConfigLoader.load(saved.toFile(), List.of());
                assertEquals(s.runId() + "-s" + seed, back.distill().runId());
                assertEquals(s.terms(), back.distill().terms(), s.runId() + ": terms and their options");
                assertEquals(run.train(), back.train(), s.runId() + ": training settings");
                assertEquals(seed, back.train().seed());
                assertEquals(run.distill(), back.distill());
                assertEquals(base.model(), back.model());
                assertFalse(run.redactedJson().contains("s3cr3t"), "credentials stay out of the saved configuration");
                assertEquals("s3cr3t", run.hadoop().get("fs.s3a.secret.key"), "but the run itself keeps them");
                checked.add(new PipelineSettingsStudent(s.runId(), seed));
            }
        }
        assertTrue(checked.size() >= 2 * 10, "methods-sample.conf has every method: " + checked.size());
        // The base configuration is not any run's: its run-id and terms are the defaults.
        assertEquals("kd", base.distill().runId());
    }

    private record PipelineSettingsStudent(String runId, long seed) {}
}
