package io.distill4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * ONNX Runtime sessions, one per model per executor JVM, reused by every task of that JVM: a
 * session is safe for concurrent {@code run} calls, so tasks share it instead of each paying the
 * graph optimisation again. Keyed by the model's fingerprint.
 *
 * <p>Threads: ONNX Runtime has its own pool, not OpenMP, so the count is set here: intra-op
 * threads from {@code spark.task.cpus} (through {@link #threadsForTask}), inter-op 1, and spinning
 * off, or two tasks on two cores would run four busy-waiting threads.
 */
public final class OnnxSessions {
    private static final Map<String, OrtSession> SESSIONS = new ConcurrentHashMap<>();

    private OnnxSessions() {}

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** The JVM's session for {@code key}, created from {@code bytes} on first use. */
    public static OrtSession get(String key, Supplier<byte[]> bytes, int threads, String source) {
        return SESSIONS.computeIfAbsent(key, k -> {
            try {
                return open(bytes.get(), threads, source);
            } catch (OrtException e) {
                throw new OnnxModelException("ONNX Runtime cannot load " + source + ": " + e.getMessage(), e);
            }
        });
    }

    /** A new session the caller closes. */
    public static OrtSession open(byte[] bytes, int threads, String source) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            o.addConfigEntry("session.inter_op.allow_spinning", "0");
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return environment().createSession(bytes, o);
        } catch (OrtException e) {
            throw new OnnxModelException("ONNX Runtime cannot load " + source + ": " + e.getMessage(), e);
        }
    }

    /** Whether this JVM holds a session for {@code key} (what the multi-JVM test checks). */
    public static boolean isOpen(String key) {
        return SESSIONS.containsKey(key);
    }

    /** Closes and forgets a JVM's session (tests, and the driver after a job that opened one). */
    public static void close(String key) {
        OrtSession s = SESSIONS.remove(key);
        if (s == null) return;
        try {
            s.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX session of " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Intra-op threads for the running Spark task: {@code spark.task.cpus} (1 outside a task).
     * ND4J's {@code distill4j.spark.native-threads} override does not apply: it is an OpenMP setting.
     */
    public static int threadsForTask() {
        org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
        return tc == null ? 1 : Math.max(1, tc.cpus());
    }
}
