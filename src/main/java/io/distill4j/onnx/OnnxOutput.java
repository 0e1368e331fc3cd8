package io.distill4j.onnx;

import java.io.Serializable;

/**
 * One ONNX output and what distill4j calls it.
 *
 * @param onnxName the output's name in the ONNX graph
 * @param name     the name distill4j uses: a cache output ({@code logits}, {@code neck}, a tap) or
 *                 a task head ({@code logits}; {@code heatmap}, {@code reg})
 * @param stride   input size over the output's spatial size (checked at start-up)
 */
public record OnnxOutput(String onnxName, String name, int stride) implements Serializable {
    public OnnxOutput {
        if (onnxName == null || onnxName.isBlank() || name == null || name.isBlank()) {
            throw new IllegalArgumentException("an ONNX output needs an ONNX name and a distill4j name");
        }
        if (stride < 1)
            throw new IllegalArgumentException("output '" + onnxName + "': stride must be at least 1, got " + stride);
    }
}
