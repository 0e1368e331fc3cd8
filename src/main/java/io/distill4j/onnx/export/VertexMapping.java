package io.distill4j.onnx.export;

/**
 * Writes one kind of DL4J layer or graph vertex as ONNX nodes. Implementations are stateless and
 * registered in {@link VertexMappings}; adding support for a layer is one such class.
 */
@FunctionalInterface
public interface VertexMapping {
    /**
     * Writes the vertex's nodes (and initializers) so that its output is the ONNX value named
     * {@code vertex.name()}, and describes that output.
     */
    ExportedTensor write(VertexExport vertex);
}
