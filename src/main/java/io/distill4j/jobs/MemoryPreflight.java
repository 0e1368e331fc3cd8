package io.distill4j.jobs;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.util.MemoryCheck;
import io.distill4j.util.OffHeapBudget;
import io.distill4j.util.OffHeapEstimate;
import io.distill4j.util.OffHeapShortfall;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import scala.Tuple2;

/**
 * The pre-flight memory check of a DL4J stage ({@code distill4j.spark.memory-check}): on the driver,
 * after the stage has read its inputs and before it claims or writes its output, the models' off-heap
 * estimate per task ({@link OffHeapEstimate}) against what the Spark settings give a task
 * ({@link OffHeapBudget}). A shortfall stops the stage with {@link OffHeapShortfall}'s one line, or is
 * printed, as the setting says.
 */
final class MemoryPreflight {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MemoryPreflight.class);

    /** A model the stage runs in every task, and how (an inference model: on the engine {@link InferenceEngines#choose} picked). */
    record Model(ComputationGraphConfiguration conf, OffHeapEstimate.Use use) {}

    /** What one task of a stage runs: its models on batches of {@code batch} images of height x width. */
    record Workload(List<Model> models, int batch, String batchKey, int height, int width) {
        String describe() {
            String uses = models.stream()
                    .map(m -> switch (m.use()) {
                        case TRAINING -> "training";
                        case INFERENCE -> "inference";
                        case ONNX_RUNTIME -> "inference in ONNX Runtime";
                    })
                    .distinct()
                    .reduce((a, b) -> a + " + " + b)
                    .orElse("no model");
            return uses + ", batch " + batch + " at " + height + "x" + width;
        }
    }

    private MemoryPreflight() {}

    /**
     * Checks {@code stage}'s workload; returns normally when it fits, the check is off, or it only
     * warns (the line then goes to {@code console}).
     *
     * @throws OffHeapShortfall when it does not fit and the setting stops the stage
     */
    static void check(SparkSession spark, Distill4jConfig config, String stage, Workload work, PrintStream console) {
        MemoryCheck mode = config.spark().memoryCheck();
        if (mode == MemoryCheck.OFF) return;
        List<OffHeapEstimate.Figure> figures = new ArrayList<>();
        try {
            for (Model m : work.models()) {
                InputType[] inputs = new InputType[m.conf().getNetworkInputs().size()];
                java.util.Arrays.fill(inputs, InputType.convolutional(work.height(), work.width(), 3));
                figures.add(OffHeapEstimate.figure(m.conf(), m.use(), work.batch(), inputs));
            }
        } catch (IllegalArgumentException e) {
            console.println("[" + stage + "] memory check skipped: " + e.getMessage());
            return;
        }
        long need = OffHeapEstimate.need(figures);
        SparkConf conf = spark.sparkContext().getConf();
        Map<String, String> settings = new HashMap<>();
        for (Tuple2<String, String> t : conf.getAll()) settings.put(t._1(), t._2());
        String master = spark.sparkContext().master();
        OptionalLong available = OffHeapBudget.machineAvailable();
        if (master.startsWith("local") && available.isEmpty()) {
            console.println(
                    "[" + stage + "] memory check skipped: this machine reports no MemAvailable (/proc/meminfo)");
            return;
        }
        Runtime rt = Runtime.getRuntime();
        long heapUnused = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        OffHeapBudget budget =
                OffHeapBudget.of(master, settings, available.orElse(0), heapUnused, rt.availableProcessors());
        LOG.info(
                "{}: off-heap estimate {} per task ({}), available {} ({})",
                stage,
                OffHeapEstimate.size(need),
                work.describe(),
                OffHeapEstimate.size(budget.bytesPerTask()),
                budget.source());
        var shortfall = OffHeapShortfall.of(stage, need, budget, work.describe(), work.batchKey());
        if (shortfall.isEmpty()) return;
        if (mode.stops(budget.enforced())) throw shortfall.get();
        console.println("[" + stage + "] warning: " + shortfall.get().getMessage());
    }
}
