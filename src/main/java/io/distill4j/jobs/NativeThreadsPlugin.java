package io.distill4j.jobs;

import io.distill4j.util.NativeSetup;
import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Gives every Spark task thread its ND4J/oneDNN thread count. OpenMP's count is per thread in
 * libgomp, and ND4J M2 forces 4 on the thread that loads it, so neither {@code OMP_NUM_THREADS}
 * nor a call on the driver's main thread reaches the threads that run tasks (measured,
 * docs/performance.md). Spark calls {@link ExecutorPlugin#onTaskStart()} in the task's own
 * thread, in local mode as in executor JVMs: that is where the count is set.
 *
 * <p>The count is {@link NativeSetup#threadsPerTask}: {@value #THREADS_KEY} when positive,
 * else {@code spark.task.cpus}. {@link SparkSessions} registers the plugin and the key. The plugin also
 * sets each executor JVM's ND4J memory limit from {@value #MEMORY_KEY} ({@link NativeSetup#limitNativeMemory}).
 */
public final class NativeThreadsPlugin implements SparkPlugin {
    /** Spark setting carrying distill4j.spark.native-threads to executors (0 = spark.task.cpus). */
    public static final String THREADS_KEY = "spark.distill4j.nativeThreads";
    /** Spark setting carrying distill4j.spark.native-memory (bytes, 0 = no limit) to executors. */
    public static final String MEMORY_KEY = "spark.distill4j.nativeMemory";

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new PerTask();
    }

    /** Sets the count once for the process-wide pools and then in each task's thread. */
    static final class PerTask implements ExecutorPlugin {
        private int threads;

        @Override
        public void init(PluginContext ctx, Map<String, String> extraConf) {
            threads = NativeSetup.threadsPerTask(
                    ctx.conf().getInt("spark.task.cpus", 1),
                    ctx.conf().getInt(THREADS_KEY, 0),
                    Runtime.getRuntime().availableProcessors());
            long limit = ctx.conf().getLong(MEMORY_KEY, 0L);
            if (limit > 0) NativeSetup.limitNativeMemory(limit);
        }

        @Override
        public void onTaskStart() {
            NativeSetup.setThreads(threads);
        }
    }
}
