package io.distill4j.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * {@code runs/<run-id>/_manifest.json}, written by distill. The run's complete configuration is
 * {@code config.conf} beside it; the settings that decide the run are in the provenance.
 *
 * @param onnx               the student as ONNX beside the model (distill.export-onnx), null when not written
 * @param teacherFingerprint null for a run without a teacher (baseline, mutual learning)
 * @param teacherMode        cached | online | none
 * @param teacher            the teacher's model file (teacher.zip or the ONNX file), null without a teacher
 * @param teacherEngine      dl4j | onnx-runtime, null without a teacher
 * @param teacherOutputs     the teacher outputs the run read
 * @param terms              the distillation outputs of the student graph with their terms
 */
public record RunManifest(
        String stage,
        String created,
        Provenance provenance,
        String runId,
        String model,
        String onnx,
        String teacherFingerprint,
        String teacherMode,
        String teacher,
        String teacherEngine,
        String preprocessing,
        String architecture,
        String task,
        String dataset,
        int numClasses,
        int outputStride,
        String heatmapVertex,
        String regVertex,
        JsonNode categories,
        int epochs,
        double secondsPerEpoch,
        long missingTeacher,
        List<String> teacherOutputs,
        List<Term> terms,
        String trainSplit,
        Map<String, Long> count)
        implements ModelManifest {
    public static final String STAGE = "distill";

    public RunManifest {
        categories = Manifests.orNull(categories);
    }

    /**
     * One distillation output of the student graph and its term.
     *
     * @param options the kind's own options (darkrank, holistic, layer weights), null for kinds without any
     */
    public record Term(
            String output,
            String kind,
            String studentTap,
            String teacherOutput,
            double weight,
            double tau,
            JsonNode options) {
        public Term {
            options = Manifests.orNull(options);
        }
    }
}
