package io.distill4j.jobs;

import io.distill4j.cache.ModelFiles;
import io.distill4j.cache.ModelForward;
import io.distill4j.cache.TeacherOnExecutor;
import io.distill4j.onnx.OnnxForward;
import io.distill4j.onnx.OnnxModelSpec;
import io.distill4j.onnx.OnnxSessions;
import java.io.Serializable;
import java.util.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A model shipped to the executors for inference (cache-teacher, the online teacher, evaluate):
 * small enough for a task closure, it finds its JVM's instance of the model from a broadcast of
 * the model's bytes. Two engines: a DL4J graph (one instance per concurrently running task) and an
 * ONNX Runtime session (one per JVM, shared by its tasks).
 */
interface ExecutorModel extends Serializable {
    /** Runs {@code body} with this JVM's instance of the model. */
    <T> T with(Function<ModelForward, T> body);

    /** Which engine runs it, as manifests record it. */
    String engine();

    /** The broadcast model bytes (destroyed by the job once its tasks are done). */
    Broadcast<byte[]> bytes();

    /**
     * A DL4J ComputationGraph; {@code key} names the pool of deserialized instances. A null key
     * deserializes the model once per call and keeps nothing (validation scores a new model every
     * time, so a pool would only grow).
     */
    record Dl4j(String key, Broadcast<byte[]> bytes) implements ExecutorModel {
        @Override
        public <T> T with(Function<ModelForward, T> body) {
            if (key == null) return body.apply(ModelForward.of(ModelFiles.fromBytes(bytes.value())));
            ComputationGraph net = TeacherOnExecutor.borrow(key, bytes::value);
            try {
                return body.apply(ModelForward.of(net));
            } finally {
                TeacherOnExecutor.giveBack(key, net);
            }
        }

        @Override
        public String engine() {
            return "dl4j";
        }
    }

    /** An ONNX file run by ONNX Runtime; {@code key} (its fingerprint) names the JVM's session. */
    record Onnx(String key, OnnxModelSpec spec, Broadcast<byte[]> bytes) implements ExecutorModel {
        @Override
        public <T> T with(Function<ModelForward, T> body) {
            return body.apply(new OnnxForward(
                    OnnxSessions.get(key, bytes::value, OnnxSessions.threadsForTask(), spec.source()), spec));
        }

        @Override
        public String engine() {
            return "onnx-runtime";
        }
    }
}
