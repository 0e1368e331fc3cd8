package io.distill4j.jobs;

import io.distill4j.cache.ModelFiles;
import io.distill4j.config.InferenceSettings;
import io.distill4j.onnx.OnnxModelException;
import io.distill4j.onnx.OnnxModelSettings;
import io.distill4j.onnx.OnnxModelSpec;
import io.distill4j.onnx.OnnxModels;
import io.distill4j.onnx.OnnxOutput;
import io.distill4j.onnx.OnnxPreprocessing;
import io.distill4j.onnx.export.ExportedTensor;
import io.distill4j.onnx.export.OnnxExportException;
import io.distill4j.onnx.export.OnnxExporter;
import io.distill4j.onnx.export.SpatialSize;
import io.distill4j.util.OffHeapEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Ships a DL4J graph to the executors for inference on the engine {@code inference.engine} picks.
 * With {@code onnx-runtime} the graph is exported to ONNX in memory (the student exporter, with the
 * requested vertices as extra outputs), checked once on the driver by ONNX Runtime, and broadcast
 * as bytes; its forward pass names each output by its DL4J vertex, exactly as DL4J's does, so the
 * callers' output maps do not change with the engine. Nothing is written to disk. A graph the
 * exporter cannot write runs in DL4J, and the stage says so in one line.
 */
final class InferenceEngines {
    private InferenceEngines() {}

    /**
     * The engine {@code net} will run on, decided on the driver before the stage claims its output
     * (the pre-flight memory check estimates the engine that runs): exported to ONNX and checked by
     * ONNX Runtime when {@code inference.engine = onnx-runtime} and the exporter can write it, DL4J
     * otherwise (the stage says why in one line).
     *
     * @param outputs  the vertices the callers read (heads and taps); the heads are always exported
     * @param task     the task and class count the shards call for (checked against the export)
     * @param what     the model in messages, e.g. "the teacher work/teacher/teacher.zip"
     * @param console  where the one-line fallback notice goes
     */
    static Choice choose(
            InferenceSettings settings,
            ComputationGraph net,
            List<String> outputs,
            OnnxModels.Expectation task,
            String what,
            Consumer<String> console) {
        if (settings.onnxRuntime()) {
            try {
                return new Choice(net, outputs, export(net, outputs, task, what));
            } catch (OnnxExportException | OnnxModelException e) {
                console.accept("inference.engine = onnx-runtime, but " + what + " cannot run in ONNX Runtime ("
                        + e.getMessage() + "); running it in DL4J");
            }
        }
        return new Choice(net, outputs, null);
    }

    /** A graph and the engine that runs it: ONNX Runtime on {@code onnx} when exported, DL4J when null. */
    record Choice(ComputationGraph net, List<String> outputs, Exported onnx) {
        /** How the memory check counts it. */
        OffHeapEstimate.Use use() {
            return onnx != null ? OffHeapEstimate.Use.ONNX_RUNTIME : OffHeapEstimate.Use.INFERENCE;
        }

        /**
         * Broadcasts the model's bytes.
         *
         * @param key names the executors' instances: the DL4J pool ({@link ExecutorModel.Dl4j}), and with
         *            the outputs the JVM's ONNX Runtime session
         */
        ExecutorModel ship(JavaSparkContext sc, String key) {
            if (onnx != null)
                return new ExecutorModel.Onnx(
                        "dl4j-export:" + key + ":" + String.join(",", outputs),
                        onnx.spec(),
                        sc.broadcast(onnx.bytes()));
            return new ExecutorModel.Dl4j(key, sc.broadcast(ModelFiles.bytes(net)));
        }
    }

    /** An exported graph: the ONNX bytes and how to feed and read them. */
    record Exported(byte[] bytes, OnnxModelSpec spec) {}

    /**
     * The graph as ONNX with {@code outputs} (vertex names) as outputs under the same names, fed as
     * distill4j feeds its own models, checked by {@link OnnxModels#resolve} like any ONNX teacher.
     */
    static Exported export(ComputationGraph net, List<String> outputs, OnnxModels.Expectation task, String what) {
        OnnxExporter.Exported e = OnnxExporter.export(net, new SpatialSize(task.height(), task.width()), outputs);
        List<OnnxOutput> mapped = new ArrayList<>();
        for (String vertex : outputs) {
            ExportedTensor t = e.outputs().get(vertex);
            long stride = Math.round(t.stride());
            if (stride < 1 || stride != t.stride()) {
                throw new OnnxExportException(
                        "vertex '" + vertex + "' has stride " + t.stride() + ", not a whole number");
            }
            mapped.add(new OnnxOutput(vertex, vertex, (int) stride));
        }
        byte[] bytes = e.model().toByteArray();
        OnnxModelSettings settings = new OnnxModelSettings(
                what + " (exported to ONNX in memory)",
                OnnxExporter.INPUT,
                task.height(),
                task.width(),
                OnnxPreprocessing.parse(OnnxExporter.preprocessing()),
                mapped);
        return new Exported(bytes, OnnxModels.resolve(bytes, settings, "inference.engine", task));
    }

    /** The ONNX Runtime expectation for the shards a job holds. */
    static OnnxModels.Expectation expectation(TaskModels models, Shards shards) {
        return expectation(models, shards.height(), shards.width());
    }

    /** The ONNX Runtime expectation for a graph run at {@code height x width} (a crop of the shards). */
    static OnnxModels.Expectation expectation(TaskModels models, int height, int width) {
        return new OnnxModels.Expectation(models.id(), height, width, models.classes());
    }
}
