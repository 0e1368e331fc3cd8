package io.distill4j.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * {@code teacher/_manifest.json}, written by train-teacher.
 *
 * @param fingerprint  the teacher fingerprint (cache.TeacherFingerprint) that names its cache
 * @param shards       the shards it was trained on (their fingerprint is in the provenance inputs)
 * @param count        samples trained on, under "train"
 */
public record TeacherManifest(
        String stage,
        String created,
        Provenance provenance,
        String fingerprint,
        String model,
        String architecture,
        String task,
        String dataset,
        int numClasses,
        int outputStride,
        String heatmapVertex,
        String regVertex,
        JsonNode categories,
        String preprocessing,
        int epochs,
        String shards,
        String trainSplit,
        Map<String, Long> count)
        implements ModelManifest {
    public static final String STAGE = "train-teacher";

    public TeacherManifest {
        categories = Manifests.orNull(categories);
    }

    /** Not recorded for the teacher: the comparison table shows student epochs only. */
    @Override
    public double secondsPerEpoch() {
        return Double.NaN;
    }

    public TeacherManifest(
            String created,
            Provenance provenance,
            String fingerprint,
            String model,
            String architecture,
            ModelFacts facts,
            String preprocessing,
            int epochs,
            String shards,
            String trainSplit,
            long trainCount) {
        this(
                STAGE,
                created,
                provenance,
                fingerprint,
                model,
                architecture,
                facts.task(),
                facts.dataset(),
                facts.numClasses(),
                facts.outputStride(),
                facts.heatmapVertex(),
                facts.regVertex(),
                facts.categories(),
                preprocessing,
                epochs,
                shards,
                trainSplit,
                Map.of("train", trainCount));
    }
}
