/**
 * Writes a trained DL4J {@code ComputationGraph} (a student.zip) as an ONNX model, built from the
 * ONNX protobuf classes nd4j-api carries ({@code onnx.Onnx}). {@link io.distill4j.onnx.export.OnnxExporter}
 * walks back from the task outputs (segmentation {@code logits}; detection {@code heatmap} and
 * {@code reg}), so loss layers, adapters and peers are left out by construction; each DL4J layer or
 * vertex kind is written by one {@link io.distill4j.onnx.export.VertexMapping} registered in
 * {@link io.distill4j.onnx.export.VertexMappings}, and a kind with no mapping is refused by name.
 * The file layout (input, outputs, metadata) is described in docs/deploy.md.
 */
package io.distill4j.onnx.export;
