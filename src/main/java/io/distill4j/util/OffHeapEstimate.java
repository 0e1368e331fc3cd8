package io.distill4j.util;

import java.util.Locale;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryType;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.deeplearning4j.nn.conf.memory.NetworkMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What one Spark task of a DL4J stage needs outside the Java heap, before the stage starts: a fixed
 * part plus a factor times DL4J's own estimate for the model, input size and batch
 * ({@code ComputationGraphConfiguration.getMemoryReport}). The two constants are fitted so that the
 * rule covers every off-heap figure measured at 512x1024 (docs/performance.md section 15, "The
 * pre-flight check", has the arithmetic); rerun that calibration before changing them.
 */
public final class OffHeapEstimate {
    /** The JVM's and the native libraries' own memory outside the heap, whatever the model. */
    public static final long FIXED_BYTES = 2L << 30;
    /** DL4J's figure leaves out workspace over-allocation and oneDNN's buffers: scaled up. */
    public static final double FACTOR = 1.25;

    /** How the stage runs its model: training keeps activations and gradients, inference does not. */
    public enum Use {
        TRAINING(MemoryUseMode.TRAINING),
        INFERENCE(MemoryUseMode.INFERENCE);

        private final MemoryUseMode mode;

        Use(MemoryUseMode mode) {
            this.mode = mode;
        }
    }

    private OffHeapEstimate() {}

    /** The bytes a task needs outside the heap when its models' DL4J estimates add up to {@code dl4jBytes}. */
    public static long need(long dl4jBytes) {
        if (dl4jBytes < 0) throw new IllegalArgumentException("a DL4J estimate cannot be negative: " + dl4jBytes);
        return FIXED_BYTES + (long) Math.ceil(FACTOR * dl4jBytes);
    }

    /**
     * DL4J's estimate of {@code conf} at {@code batch} examples of {@code inputs} (float32, no layer
     * cache), with its Upsampling2D figure corrected: M2 counts an im2col array of output size times
     * the scale factor squared, which the op never allocates (a pyramid-pooling head upsampled 1x1 to
     * 64x128 comes to 69 GB at batch 4); the op's working memory is its output.
     *
     * @throws IllegalArgumentException when DL4J cannot report on a vertex of the graph (the message says which)
     */
    public static long dl4jBytes(ComputationGraphConfiguration conf, Use use, int batch, InputType... inputs) {
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        NetworkMemoryReport report;
        try {
            report = conf.getMemoryReport(inputs);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("DL4J has no memory report for this graph: " + e, e);
        }
        // NetworkMemoryReport.getTotalMemoryBytes's sum: everything but working memory over all
        // vertices, plus the largest working memory of one vertex (vertices run one at a time).
        long total = 0;
        long maxWorking = 0;
        for (MemoryReport r : report.getLayerAndVertexReports().values()) {
            for (MemoryType t : MemoryType.values()) {
                if (t == MemoryType.WORKING_MEMORY_FIXED || t == MemoryType.WORKING_MEMORY_VARIABLE) continue;
                total += bytes(r, t, batch, use);
            }
            long working = r.getReportClass() == Upsampling2D.class && r instanceof LayerMemoryReport l
                    ? l.getOutputType().arrayElementsPerExample() * batch * DataType.FLOAT.width()
                    : bytes(r, MemoryType.WORKING_MEMORY_FIXED, batch, use)
                            + bytes(r, MemoryType.WORKING_MEMORY_VARIABLE, batch, use);
            maxWorking = Math.max(maxWorking, working);
        }
        return total + maxWorking;
    }

    private static long bytes(MemoryReport r, MemoryType t, int batch, Use use) {
        return r.getMemoryBytes(t, batch, use.mode, CacheMode.NONE, DataType.FLOAT);
    }

    /** A size as the one-line messages print it: GiB with one decimal, MiB below 1 GiB. */
    public static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        return String.format(Locale.ROOT, "%d MiB", Math.round(bytes / (double) (1L << 20)));
    }
}
