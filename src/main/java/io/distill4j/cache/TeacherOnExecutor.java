package io.distill4j.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The teacher, deserialized once per executor JVM from the broadcast bytes and reused by every
 * task. A ComputationGraph is not safe for concurrent inference, so each concurrently running
 * task borrows its own instance from a small pool (as many instances as tasks ever ran at once).
 */
public final class TeacherOnExecutor {
    private static final Map<String, ConcurrentLinkedQueue<ComputationGraph>> POOLS = new ConcurrentHashMap<>();

    private TeacherOnExecutor() {}

    public static ComputationGraph borrow(String fingerprint, java.util.function.Supplier<byte[]> bytes) {
        ComputationGraph net = POOLS.computeIfAbsent(fingerprint, k -> new ConcurrentLinkedQueue<>())
                .poll();
        return net != null ? net : ModelFiles.fromBytes(bytes.get());
    }

    public static void giveBack(String fingerprint, ComputationGraph net) {
        POOLS.computeIfAbsent(fingerprint, k -> new ConcurrentLinkedQueue<>()).add(net);
    }
}
