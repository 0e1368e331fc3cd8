package io.distill4j.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The one place where distill4j configures ND4J's native back end. Call {@link #init()} (or
 * {@link #init(int, boolean)}) first thing in every entry point, before anything touches
 * {@code Nd4j}: the native library is chosen when ND4J first loads and cannot change afterwards.
 *
 * <p>What it does, and why (numbers in docs/stack.md and docs/performance.md):
 * <ol>
 *   <li>Pins JavaCPP to the {@code linux-x86_64-onednn-avx2} build of libnd4j. nd4j-native brings
 *       the plain {@code linux-x86_64} jar too; JavaCPP picks among the extensions the presets
 *       declare in its own order, so the choice is made explicit with
 *       {@code org.bytedeco.javacpp.platform.extension}, and only when that build is on the class
 *       path (a deployment without it keeps JavaCPP's default instead of failing to load).</li>
 *   <li>Turns DL4J's layer helpers on ({@code org.eclipse.deeplearning4j.helpers.disable=false});
 *       with the {@code org.nd4j.nativeblas.Nd4jCpu} shim in this project, convolution, batch
 *       normalisation and pooling layers then run through oneDNN instead of im2col + gemm.</li>
 *   <li>Gives ND4J a thread count (default: available processors), see {@link #setThreads(int)}.</li>
 * </ol>
 *
 * <p>Threads: what controls them in M2 (read from the bytecode and measured, docs/performance.md).
 * <ul>
 *   <li>OpenMP (oneDNN's convolution and batch-norm primitives, libnd4j's OpenMP loops): its count
 *       is <b>per calling thread</b> in libgomp; threads that never set it use the process default,
 *       which libgomp takes from {@code OMP_NUM_THREADS} or the processor count when the library
 *       loads. ND4J's {@code NativeOpsHolder} then calls {@code setOmpNumThreads(4)} unconditionally
 *       on the thread that loads ND4J, after honouring {@code OMP_NUM_THREADS}: that thread always
 *       reports 4, even on 2 cores. Spark task threads therefore need the count set in the task's
 *       own thread: {@code io.distill4j.jobs.NativeThreadsPlugin} does it.</li>
 *   <li>libnd4j's own pool ({@code Environment.maxThreads}) is sized once from
 *       {@code OMP_NUM_THREADS} or the hardware; {@code setMaxThreads} is ignored. The per-op
 *       parallelism ({@code maxMasterThreads}) is process-wide and clamped to that pool.</li>
 *   <li>OpenBLAS (gemm outside oneDNN) has one process-wide count.</li>
 * </ul>
 * {@code OMP_NUM_THREADS} in an executor's environment ({@code spark.executorEnv}, set by
 * {@code SparkSessions}) sizes all three defaults before anything runs.
 * Helpers are read when a layer is instantiated: {@link #setLayerHelpersEnabled(boolean)} affects
 * networks initialised afterwards only.
 */
public final class NativeSetup {

    /** The ND4J native build distill4j runs on (pom: nd4j.classifier). */
    public static final String ONEDNN_PLATFORM_EXTENSION = "-onednn-avx2";

    static final String PLATFORM_EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    private static final String ONEDNN_LIBRARY_RESOURCE =
            "/org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + ONEDNN_PLATFORM_EXTENSION + "/libnd4jcpu.so";

    private NativeSetup() {}

    /** oneDNN build, layer helpers on, one thread per available processor. */
    public static synchronized NativeStatus init() {
        return init(Runtime.getRuntime().availableProcessors(), true);
    }

    /**
     * @param threads       ND4J threads (see {@link #setThreads(int)}) for the calling thread, at least 1
     * @param layerHelpers  whether DL4J layers built from now on use the oneDNN helpers
     */
    public static synchronized NativeStatus init(int threads, boolean layerHelpers) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, cannot be: " + threads);
        }
        if (System.getProperty(PLATFORM_EXTENSION_PROPERTY) == null
                && NativeSetup.class.getResource(ONEDNN_LIBRARY_RESOURCE) != null) {
            System.setProperty(PLATFORM_EXTENSION_PROPERTY, ONEDNN_PLATFORM_EXTENSION);
        }
        setLayerHelpersEnabled(layerHelpers);
        setThreads(threads);
        return status();
    }

    /** Switches DL4J's oneDNN layer helpers for layers instantiated after this call. */
    public static synchronized void setLayerHelpersEnabled(boolean enabled) {
        // Only DL4J's layer-level switch: libnd4j's own op helpers (Environment.allowHelpers) stay
        // on either way, so "off" means exactly DL4J's built-in im2col path.
        System.setProperty(HELPERS_DISABLE_PROPERTY, Boolean.toString(!enabled));
    }

    /**
     * Sets the OpenMP count of the <b>calling thread</b> (what oneDNN uses for the ops this thread
     * runs) and the process-wide libnd4j per-op count (clamped to its pool) and OpenBLAS count.
     * Call it in every thread that runs ND4J ops with a count other than the process default.
     */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, cannot be: " + threads);
        }
        // Environment.setMaxThreads is a no-op in M2 (the pool is sized at start-up): not called.
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /**
     * Limits the bytes of ND4J arrays libnd4j holds in this JVM ({@code distill4j.spark.native-memory});
     * 0 removes the limit. An allocation past it fails at once with libnd4j's refusal, which
     * {@link NativeMemoryExceeded#in} turns into one line.
     *
     * <p>What counts (probed on M2, docs/performance.md section 15): only arrays allocated outside
     * workspaces ({@code Nd4j.create}, parameters, gradients, updater state, detached outputs), through
     * libnd4j's per-device counter on CPU ({@code Environment.setDeviceLimit(0, ...)}). Not counted:
     * DL4J's workspaces (allocated with {@code mallocHost}), oneDNN's own buffers, and JavaCPP's
     * {@code maxbytes}. {@code setMaxPrimaryMemory}, {@code setMaxSpecialMemory},
     * {@code setMaxDeviceMemory}, {@code setGroupLimit} and {@code SD_MAX_PRIMARY_BYTES} do not refuse
     * anything on the CPU back end.
     */
    public static void limitNativeMemory(long bytes) {
        if (bytes < 0)
            throw new IllegalArgumentException("native memory limit must be 0 (none) or positive, cannot be: " + bytes);
        Nd4j.getEnvironment().setDeviceLimit(0, bytes);
    }

    /** The limit {@link #limitNativeMemory} set, 0 for none. */
    public static long nativeMemoryLimit() {
        return Nd4j.getEnvironment().getDeviceLimit(0);
    }

    /** Bytes of ND4J arrays libnd4j counts against the limit right now. */
    public static long nativeMemoryCounted() {
        return Nd4j.getEnvironment().getDeviceCouner(0);
    }

    /**
     * Threads for one Spark task's ND4J work: {@code override} when positive, else the
     * {@code spark.task.cpus} the scheduler reserves per task (so executor cores / concurrent
     * tasks), never more than the processors this JVM sees and never less than 1.
     */
    public static int threadsPerTask(int taskCpus, int override, int availableProcessors) {
        if (taskCpus < 1)
            throw new IllegalArgumentException("spark.task.cpus must be at least 1, cannot be: " + taskCpus);
        if (override < 0)
            throw new IllegalArgumentException("thread override must be 0 (auto) or positive, cannot be: " + override);
        if (override > 0) return override;
        return Math.max(1, Math.min(taskCpus, availableProcessors));
    }

    /** What is loaded and switched on right now. */
    public static NativeStatus status() {
        Nd4j.getExecutioner(); // makes sure the back end (and its native library) is loaded
        String library = loadedNativeLibrary();
        boolean helpersRequested = !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE_PROPERTY, "true"));
        boolean helpers = helpersRequested && BaseMKLDNNHelper.mklDnnEnabled();
        int threads = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
        return new NativeStatus(
                library,
                library.contains("onednn"),
                helpers,
                threads,
                Nd4j.getEnvironment().maxMasterThreads(),
                Nd4j.factory().blas().getMaxThreads());
    }

    /** The loaded libnd4jcpu.so, from this process's memory map (Linux only). */
    static String loadedNativeLibrary() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return "unknown";
        }
        try {
            List<String> lines = Files.readAllLines(maps);
            for (String line : lines) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.endsWith("libnd4jcpu.so")) {
                    return line.substring(slash);
                }
            }
            return "unknown";
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + maps, e);
        }
    }
}
