package io.distill4j.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory outside the Java heap one concurrent Spark task may use, from the Spark settings: what
 * {@link OffHeapEstimate} is compared with before a DL4J stage starts.
 *
 * <p>On a cluster master it is the executor's {@code spark.executor.memoryOverhead} (Spark's default
 * when unset: {@code spark.executor.memoryOverheadFactor}, 0.10, of {@code spark.executor.memory},
 * at least 384 MiB) shared by the tasks that run at once on one executor
 * ({@code spark.executor.cores / spark.task.cpus}; {@code spark.executor.cores} unset counts as 1, YARN's
 * and Kubernetes' default; a standalone worker's default, all its cores, is not known on the driver). With a local master ({@code local}, {@code local[N]}, {@code local[*]},
 * {@code local-cluster[n,c,m]}) every task is on this machine: its MemAvailable less the heap the
 * driver may still grow into ({@code -Xmx} minus what it uses now, since pages it has not touched
 * are not resident yet and would come out of MemAvailable) and, for local-cluster, the executors'
 * heaps, shared by all tasks that run at once.
 *
 * @param bytesPerTask what one task may use outside the heap (0 when nothing is left)
 * @param tasks        the tasks that run at once and share the budget (per executor, or on this machine)
 * @param local        whether the tasks run on this machine (a local master) rather than on executors
 * @param enforced     whether a container is killed past heap plus overhead (YARN, Kubernetes), rather
 *                     than the figure being a declared size (a standalone master does not enforce it) or
 *                     a reading of this machine (local masters)
 * @param source       where the figure comes from, for the one-line message
 */
public record OffHeapBudget(long bytesPerTask, int tasks, boolean local, boolean enforced, String source) {
    static final long MIB = 1L << 20;
    /** Spark's floor for the default overhead (YARN and Kubernetes: 384 MiB). */
    static final long MIN_OVERHEAD = 384 * MIB;

    static final double DEFAULT_OVERHEAD_FACTOR = 0.10;

    public static final String OVERHEAD = "spark.executor.memoryOverhead";
    /** Where a distill4j configuration sets it. */
    public static final String OVERHEAD_KEY = "distill4j.spark.conf.\"" + OVERHEAD + "\"";

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[(\\d+),\\s*(\\d+),\\s*(\\d+)\\]");
    private static final Pattern SPARK_SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");

    /**
     * @param master       the Spark master the session runs on
     * @param spark        its settings (only the {@code spark.executor.*} and {@code spark.task.cpus} ones are read)
     * @param memAvailable the machine's MemAvailable in bytes (read only for local masters)
     * @param heapUnused   the driver's {@code -Xmx} less its used heap, in bytes
     * @param processors   the processors {@code local[*]} stands for
     */
    public static OffHeapBudget of(
            String master, Map<String, String> spark, long memAvailable, long heapUnused, int processors) {
        int taskCpus = positive(spark, "spark.task.cpus", 1);
        Matcher cluster = LOCAL_CLUSTER.matcher(master);
        Matcher local = LOCAL.matcher(master);
        if (cluster.matches()) {
            int executors = Integer.parseInt(cluster.group(1));
            int tasks = Math.max(1, executors * (Integer.parseInt(cluster.group(2)) / taskCpus));
            long executorHeaps = executors * Long.parseLong(cluster.group(3)) * MIB;
            return onThisMachine(master, tasks, memAvailable, heapUnused, executorHeaps);
        }
        if (local.matches()) {
            int threads = local.group(1) == null
                    ? 1
                    : local.group(1).equals("*") ? processors : Integer.parseInt(local.group(1));
            return onThisMachine(master, Math.max(1, threads / taskCpus), memAvailable, heapUnused, 0);
        }
        long heap = mib(spark, "spark.executor.memory", "1g");
        String overheadText;
        long overhead;
        if (spark.containsKey(OVERHEAD)) {
            overhead = mib(spark, OVERHEAD, null);
            overheadText = OVERHEAD + " = " + OffHeapEstimate.size(overhead);
        } else {
            double factor = factor(spark);
            overhead = Math.max(MIN_OVERHEAD, (long) (factor * heap));
            overheadText = OVERHEAD + " unset, so Spark's default " + OffHeapEstimate.size(overhead) + " (max(384 MiB, "
                    + String.format(Locale.ROOT, "%.0f", factor * 100) + " % of spark.executor.memory "
                    + OffHeapEstimate.size(heap) + "))";
        }
        int tasks = Math.max(1, positive(spark, "spark.executor.cores", 1) / taskCpus);
        boolean enforced = master.startsWith("yarn") || master.startsWith("k8s://");
        return new OffHeapBudget(
                overhead / tasks,
                tasks,
                false,
                enforced,
                overheadText + " shared by " + tasks + (tasks == 1 ? " task" : " tasks")
                        + " at once per executor (spark.executor.cores / spark.task.cpus)"
                        + (enforced ? "" : "; " + master + " does not enforce it"));
    }

    /** What to do to give every task {@code need} bytes: the one-line message's advice. */
    public String raise(long need) {
        if (!local)
            return "raise " + OVERHEAD_KEY + " to at least " + OffHeapEstimate.size(need * tasks)
                    + (tasks == 1 ? "" : " (" + tasks + " tasks x " + OffHeapEstimate.size(need) + ")");
        return "free memory on this machine or run fewer tasks at once (distill4j.spark.master)";
    }

    private static OffHeapBudget onThisMachine(
            String master, int tasks, long memAvailable, long heapUnused, long executorHeaps) {
        long free = Math.max(0, memAvailable - heapUnused - executorHeaps);
        String heaps = executorHeaps > 0 ? ", the executors' heaps " + OffHeapEstimate.size(executorHeaps) : "";
        return new OffHeapBudget(
                free / tasks,
                tasks,
                true,
                false,
                "this machine's MemAvailable " + OffHeapEstimate.size(memAvailable) + " less the driver heap's unused "
                        + OffHeapEstimate.size(heapUnused) + heaps + ", shared by " + tasks
                        + (tasks == 1 ? " task" : " tasks") + " at once (" + master + ")");
    }

    private static int positive(Map<String, String> spark, String key, int unset) {
        String v = spark.get(key);
        if (v == null) return unset;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // falls through to the refusal below
        }
        throw new IllegalArgumentException(key + ": expected a positive integer, got '" + v + "'");
    }

    private static double factor(Map<String, String> spark) {
        String key = "spark.executor.memoryOverheadFactor";
        String v = spark.get(key);
        if (v == null) return DEFAULT_OVERHEAD_FACTOR;
        try {
            double f = Double.parseDouble(v.trim());
            if (f >= 0) return f;
        } catch (NumberFormatException e) {
            // falls through to the refusal below
        }
        throw new IllegalArgumentException(key + ": expected a non-negative number, got '" + v + "'");
    }

    /** A Spark memory setting in bytes: a number with Spark's units (k, m, g, t; b), MiB without one. */
    static long mib(Map<String, String> spark, String key, String unset) {
        String v = spark.getOrDefault(key, unset);
        Matcher m = SPARK_SIZE.matcher(v == null ? "" : v.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "b":
                    return n;
                case "k", "kb":
                    return n << 10;
                case "", "m", "mb":
                    return n << 20;
                case "g", "gb":
                    return n << 30;
                case "t", "tb":
                    return n << 40;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(key + ": expected a size such as 4g or 512m, got '" + v + "'");
    }

    /** MemAvailable from the text of /proc/meminfo, in bytes; empty when the line is absent. */
    static OptionalLong memAvailable(List<String> meminfo) {
        for (String line : meminfo) {
            if (line.startsWith("MemAvailable:")) {
                String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(parts[0]) << 10);
            }
        }
        return OptionalLong.empty();
    }

    /** This machine's MemAvailable (Linux); empty where /proc/meminfo does not exist or lacks it. */
    public static OptionalLong machineAvailable() {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.isReadable(meminfo)) return OptionalLong.empty();
        try {
            return memAvailable(Files.readAllLines(meminfo));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meminfo, e);
        }
    }
}
