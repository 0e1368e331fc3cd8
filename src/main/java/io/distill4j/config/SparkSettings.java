package io.distill4j.config;

import io.distill4j.util.MemoryCheck;
import java.util.Locale;
import java.util.Map;

/**
 * How the embedded or submitted Spark application is set up.
 *
 * @param master      master for embedded runs; ignored when spark-submit already set one
 * @param appName     application name shown in the Spark UI
 * @param serializer  "kryo" (with ND4J's Kryo registrator, as DL4J requires) or "java"
 * @param ui          whether embedded runs start the web UI
 * @param extra       further Spark settings passed through verbatim
 * @param nativeThreads ND4J/oneDNN threads per Spark task; 0 = {@code spark.task.cpus}
 *                    (see {@code io.distill4j.util.NativeSetup#threadsPerTask})
 * @param nativeMemory bytes of ND4J arrays outside workspaces that libnd4j may hold per JVM (driver
 *                    and each executor); 0 = no limit (see {@code io.distill4j.util.NativeSetup#limitNativeMemory})
 * @param memoryCheck what a DL4J stage does when its off-heap estimate exceeds what a task has
 *                    ({@link MemoryCheck}; docs/performance.md section 15)
 */
public record SparkSettings(
        String master,
        String appName,
        String serializer,
        boolean ui,
        Map<String, String> extra,
        int nativeThreads,
        long nativeMemory,
        MemoryCheck memoryCheck) {
    /** More threads than this per task is a typo, not a machine. */
    static final int MAX_NATIVE_THREADS = 1024;

    static SparkSettings from(Keys k) {
        return new SparkSettings(
                k.nonEmpty("master"),
                k.nonEmpty("app-name"),
                k.oneOf("serializer", "kryo", "java"),
                k.bool("ui"),
                k.stringMap("conf"),
                k.intIn("native-threads", 0, MAX_NATIVE_THREADS),
                k.bytesIn("native-memory", 0, Long.MAX_VALUE),
                MemoryCheck.valueOf(
                        k.oneOf("memory-check", "auto", "fail", "warn", "off").toUpperCase(Locale.ROOT)));
    }
}
