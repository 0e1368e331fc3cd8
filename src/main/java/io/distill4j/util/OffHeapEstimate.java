package io.distill4j.util;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * What one Spark task of a DL4J stage needs outside the Java heap, before the stage starts, from its
 * models' graphs, input size and batch. A model run by DL4J (training, or inference with
 * {@code inference.engine = dl4j}) counts as DL4J's own estimate
 * ({@code ComputationGraphConfiguration.getMemoryReport}) times a factor; a model exported to ONNX
 * Runtime counts as its weights plus a factor times the activations live at once in a forward pass,
 * read from the same report. A fixed part comes on top: larger when DL4J runs a model (its workspaces
 * go beyond its own figure). The constants are fitted so that the rule covers every off-heap figure
 * measured (docs/performance.md section 15, "The pre-flight check", has the arithmetic); rerun that
 * calibration before changing them.
 */
public final class OffHeapEstimate {
    /** The fixed part of a task that runs a model in DL4J: the JVM, the native libraries and DL4J's workspaces beyond its figure. */
    public static final long FIXED_BYTES = 2L << 30;
    /**
     * Training in DL4J: its figure is one step's, while a run's resident memory keeps growing over its
     * iterations (workspaces, oneDNN's buffers, arrays not collected yet): scaled up to the longest runs measured.
     */
    public static final double TRAINING_FACTOR = 2.75;
    /** Inference in DL4J: its figure sums every vertex's activations, more than inference holds at once. */
    public static final double INFERENCE_FACTOR = 1.25;
    /** The fixed part of a task whose models all run in ONNX Runtime: the JVM and the native libraries (ND4J's too: outputs are ND4J arrays). */
    public static final long ONNX_FIXED_BYTES = 768L << 20;
    /** The weights count twice: the session's initializers and their pre-packed copies (a judgement, not measured apart). */
    public static final double ONNX_WEIGHTS_FACTOR = 2;
    /** Live activations scaled up to cover the runs measured (a local run adds the driver's own forward passes). */
    public static final double ONNX_ACTIVATIONS_FACTOR = 3;

    /** How a task runs a model: DL4J training keeps activations and gradients, inference does not. */
    public enum Use {
        TRAINING(MemoryUseMode.TRAINING),
        /** Inference in DL4J ({@code inference.engine = dl4j}, or a graph the ONNX exporter cannot write). */
        INFERENCE(MemoryUseMode.INFERENCE),
        /** Inference of the graph exported to ONNX, in ONNX Runtime ({@code inference.engine = onnx-runtime}). */
        ONNX_RUNTIME(MemoryUseMode.INFERENCE);

        private final MemoryUseMode mode;

        Use(MemoryUseMode mode) {
            this.mode = mode;
        }

        /** Whether DL4J runs the model (its figure, the larger fixed part) rather than ONNX Runtime. */
        public boolean dl4j() {
            return this != ONNX_RUNTIME;
        }
    }

    /**
     * One model's share of a task's need, before the fixed part: DL4J's figure for a model DL4J runs,
     * the weights and live activations rule's for one ONNX Runtime runs ({@link #figure}).
     */
    public record Figure(Use use, long bytes) {
        public Figure {
            if (bytes < 0) throw new IllegalArgumentException("a model's figure cannot be negative: " + bytes);
        }
    }

    private OffHeapEstimate() {}

    /**
     * The bytes a task needs outside the heap to run these models: the fixed part (the larger one when
     * DL4J runs any of them), the DL4J figures times {@link #TRAINING_FACTOR} or {@link #INFERENCE_FACTOR},
     * plus the ONNX Runtime figures.
     */
    public static long need(List<Figure> models) {
        if (models.isEmpty()) throw new IllegalArgumentException("a task runs at least one model");
        double scaled = 0;
        boolean anyDl4j = false;
        for (Figure f : models) {
            anyDl4j |= f.use().dl4j();
            scaled += switch (f.use()) {
                case TRAINING -> TRAINING_FACTOR * f.bytes();
                case INFERENCE -> INFERENCE_FACTOR * f.bytes();
                case ONNX_RUNTIME -> f.bytes();
            };
        }
        return (anyDl4j ? FIXED_BYTES : ONNX_FIXED_BYTES) + (long) Math.ceil(scaled);
    }

    /** {@code conf}'s figure used as {@code use} at {@code batch} examples of {@code inputs}: {@link #dl4jBytes} or {@link #onnxRuntimeBytes}. */
    public static Figure figure(ComputationGraphConfiguration conf, Use use, int batch, InputType... inputs) {
        return new Figure(
                use, use.dl4j() ? dl4jBytes(conf, use, batch, inputs) : onnxRuntimeBytes(conf, batch, inputs));
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
        if (!use.dl4j()) throw new IllegalArgumentException(use + " has no DL4J figure: use onnxRuntimeBytes");
        NetworkMemoryReport report = report(conf, batch, inputs);
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

    /**
     * What ONNX Runtime holds for {@code conf} exported, beyond the fixed part: {@link #ONNX_WEIGHTS_FACTOR}
     * times the parameters plus {@link #ONNX_ACTIVATIONS_FACTOR} times {@link #liveActivationBytes}.
     *
     * @throws IllegalArgumentException when DL4J cannot report on a vertex of the graph (the message says which)
     */
    public static long onnxRuntimeBytes(ComputationGraphConfiguration conf, int batch, InputType... inputs) {
        NetworkMemoryReport report = report(conf, batch, inputs);
        long weights = 0;
        for (MemoryReport r : report.getLayerAndVertexReports().values())
            weights += bytes(r, MemoryType.PARAMETERS, 1, Use.ONNX_RUNTIME);
        return (long) Math.ceil(ONNX_WEIGHTS_FACTOR * weights
                + ONNX_ACTIVATIONS_FACTOR * liveActivationBytes(conf, report, batch, inputs));
    }

    /**
     * The most activation bytes a forward pass of {@code conf} holds at once (float32, {@code batch}
     * examples of {@code inputs}), running the vertices in DL4J's topological order: while a vertex
     * runs, its output and every earlier output a later vertex still reads (or the graph returns) are
     * alive, as in ONNX Runtime's planned memory. The vertices DL4J keeps apart (a convolution, its
     * batch normalisation, its activation) count as such; ONNX Runtime fuses some of them.
     *
     * @throws IllegalArgumentException when DL4J cannot report on a vertex of the graph (the message says which)
     */
    public static long liveActivationBytes(ComputationGraphConfiguration conf, int batch, InputType... inputs) {
        return liveActivationBytes(conf, report(conf, batch, inputs), batch, inputs);
    }

    private static long liveActivationBytes(
            ComputationGraphConfiguration conf, NetworkMemoryReport report, int batch, InputType... inputs) {
        List<String> networkInputs = conf.getNetworkInputs();
        if (inputs.length != networkInputs.size())
            throw new IllegalArgumentException(
                    "the graph has " + networkInputs.size() + " inputs, got " + inputs.length + " input types");
        // The report lists the vertices in the order DL4J runs them (inputs left out).
        Map<String, Long> size = new LinkedHashMap<>();
        Map<String, Integer> made = new HashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            size.put(networkInputs.get(i), inputs[i].arrayElementsPerExample() * batch * DataType.FLOAT.width());
            made.put(networkInputs.get(i), -1);
        }
        int step = 0;
        for (Map.Entry<String, MemoryReport> e :
                report.getLayerAndVertexReports().entrySet()) {
            size.put(e.getKey(), bytes(e.getValue(), MemoryType.ACTIVATIONS, batch, Use.ONNX_RUNTIME));
            made.put(e.getKey(), step++);
        }
        // The last step that reads each output; the graph's outputs live to the end.
        Map<String, Integer> lastRead = new HashMap<>(made);
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            Integer reader = made.get(e.getKey());
            if (reader == null) continue;
            for (String in : e.getValue()) lastRead.merge(in, reader, Math::max);
        }
        for (String out : conf.getNetworkOutputs()) lastRead.put(out, step);
        long peak = 0;
        for (int t = 0; t < step; t++) {
            long live = 0;
            for (Map.Entry<String, Long> e : size.entrySet()) {
                String v = e.getKey();
                if (made.get(v) <= t && lastRead.get(v) >= t) live += e.getValue();
            }
            peak = Math.max(peak, live);
        }
        return peak;
    }

    private static NetworkMemoryReport report(ComputationGraphConfiguration conf, int batch, InputType... inputs) {
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        try {
            return conf.getMemoryReport(inputs);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("DL4J has no memory report for this graph: " + e, e);
        }
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
