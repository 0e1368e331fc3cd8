package io.distill4j.manifest;

/** The manifest of a stage output that holds a trained model: a teacher or a distill run. */
public sealed interface ModelManifest extends StageManifest permits TeacherManifest, RunManifest {
    /** The model file, relative to the output directory. */
    String model();

    String task();

    String architecture();

    int epochs();

    /** Seconds per training epoch (NaN when not measured). */
    double secondsPerEpoch();
}
