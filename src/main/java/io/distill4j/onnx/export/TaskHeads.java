package io.distill4j.onnx.export;

import io.distill4j.model.Task;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * Which vertices of a distill4j graph are its task outputs, found by the names every distill4j model
 * gives them: segmentation {@code logits}; CenterNet detection {@code heatmap} and {@code reg}
 * (the names {@code SegmentationPredictor} and {@code DetectionPredictor} read). The exported file
 * has exactly these outputs, under the same names.
 */
public record TaskHeads(Task task, List<String> vertices) {
    public static final String LOGITS = "logits";
    public static final String HEATMAP = "heatmap";
    public static final String REG = "reg";

    /** The heads of a graph, or a refusal saying what was looked for. */
    public static TaskHeads of(ComputationGraphConfiguration conf) {
        Map<String, ?> v = conf.getVertices();
        boolean seg = v.containsKey(LOGITS);
        boolean det = v.containsKey(HEATMAP) && v.containsKey(REG);
        if (seg && det) {
            throw new OnnxExportException("the graph has both '" + LOGITS + "' and '" + HEATMAP + "'/'" + REG
                    + "' vertices: cannot tell its task");
        }
        if (seg) {
            return new TaskHeads(Task.SEGMENTATION, List.of(LOGITS));
        }
        if (det) {
            return new TaskHeads(Task.DETECTION, List.of(HEATMAP, REG));
        }
        throw new OnnxExportException("the graph has neither a '" + LOGITS + "' vertex (segmentation) nor '" + HEATMAP
                + "' and '" + REG + "' vertices (detection): not a distill4j student");
    }
}
