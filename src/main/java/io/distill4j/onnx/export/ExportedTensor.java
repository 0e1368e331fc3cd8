package io.distill4j.onnx.export;

/**
 * A tensor of the ONNX graph being written, as the mappings see their inputs and report their output.
 *
 * @param name     the ONNX value name (a DL4J vertex's output carries the vertex's name)
 * @param channels C of the NCHW tensor (or features of an [N, C] tensor)
 * @param stride   input pixels per pixel of this tensor (1 for the image; 8 for stride-8 logits);
 *                 0 when the spatial axes are gone (global pooling)
 */
public record ExportedTensor(String name, long channels, double stride) {}
