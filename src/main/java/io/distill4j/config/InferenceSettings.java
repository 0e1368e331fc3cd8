package io.distill4j.config;

import java.util.Arrays;

/**
 * Which engine runs a DL4J model (teacher.zip, student.zip) where it is only inferred: cache-teacher,
 * the online teacher of distill and evaluate. Training always runs in DL4J, and an ONNX teacher
 * (teacher.onnx.path) always in ONNX Runtime.
 *
 * @param engine {@code onnx-runtime}: the graph is exported to ONNX in memory when the stage starts
 *               and run by ONNX Runtime on the executors (several times faster on CPU, measured in
 *               docs/performance.md); {@code dl4j}: DL4J's own forward pass
 */
public record InferenceSettings(Engine engine) {
    /** The engines, by their configuration (and manifest) names. */
    public enum Engine {
        DL4J("dl4j"),
        ONNX_RUNTIME("onnx-runtime");

        private final String id;

        Engine(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Engine of(String id) {
            return Arrays.stream(values())
                    .filter(e -> e.id.equals(id))
                    .findFirst()
                    .orElseThrow();
        }
    }

    static InferenceSettings from(Keys k) {
        return new InferenceSettings(Engine.of(k.oneOf("engine", "onnx-runtime", "dl4j")));
    }

    /** True when DL4J models are to be exported and run by ONNX Runtime. */
    public boolean onnxRuntime() {
        return engine == Engine.ONNX_RUNTIME;
    }
}
