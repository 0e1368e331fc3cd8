package io.distill4j.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * distill4j's ONNX convention as a reader sees it: the {@code metadata_props} keys
 * {@code distill4j.task}, {@code distill4j.input}, {@code distill4j.preprocessing},
 * {@code distill4j.outputs} ({@code name:stride} pairs) and {@code distill4j.classes}. Every
 * field is optional here; what is missing must come from the configuration.
 */
public record OnnxMetadata(
        String task, String input, OnnxPreprocessing preprocessing, List<OnnxOutput> outputs, Integer classes) {
    public static final String TASK = "distill4j.task";
    public static final String INPUT = "distill4j.input";
    public static final String PREPROCESSING = "distill4j.preprocessing";
    public static final String OUTPUTS = "distill4j.outputs";
    public static final String CLASSES = "distill4j.classes";

    /**
     * @param props  the ModelProto's metadata_props
     * @param source the file, for messages
     */
    public static OnnxMetadata of(Map<String, String> props, String source) {
        String task = blankToNull(props.get(TASK));
        String input = blankToNull(props.get(INPUT));
        OnnxPreprocessing pre = null;
        if (blankToNull(props.get(PREPROCESSING)) != null) {
            try {
                pre = OnnxPreprocessing.parse(props.get(PREPROCESSING));
            } catch (IllegalArgumentException e) {
                throw new OnnxModelException(source + ": metadata " + PREPROCESSING + ": " + e.getMessage());
            }
        }
        List<OnnxOutput> outputs = new ArrayList<>();
        String outs = blankToNull(props.get(OUTPUTS));
        if (outs != null) {
            for (String pair : outs.split(",")) {
                String[] p = pair.trim().split(":");
                try {
                    outputs.add(new OnnxOutput(p[0].trim(), p[0].trim(), Integer.parseInt(p[1].trim())));
                } catch (RuntimeException e) {
                    throw new OnnxModelException(
                            source + ": metadata " + OUTPUTS + ": expected name:stride pairs, got '" + outs + "'");
                }
            }
        }
        Integer classes = null;
        if (blankToNull(props.get(CLASSES)) != null) {
            try {
                classes = Integer.valueOf(props.get(CLASSES).trim());
            } catch (NumberFormatException e) {
                throw new OnnxModelException(
                        source + ": metadata " + CLASSES + " is not a number: '" + props.get(CLASSES) + "'");
            }
        }
        return new OnnxMetadata(task, input, pre, List.copyOf(outputs), classes);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
