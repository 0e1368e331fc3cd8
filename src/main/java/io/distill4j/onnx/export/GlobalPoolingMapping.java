package io.distill4j.onnx.export;

import static io.distill4j.onnx.export.OnnxGraphBuilder.integer;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;

/**
 * {@link GlobalPoolingLayer} over H and W -> GlobalAveragePool / GlobalMaxPool, flattened to
 * [N, C] when the layer collapses dimensions (DL4J's default) and kept [N, C, 1, 1] otherwise.
 */
final class GlobalPoolingMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        GlobalPoolingLayer p = (GlobalPoolingLayer) v.layer();
        ExportedTensor in = v.input();
        int[] dims = p.getPoolingDimensions();
        if (dims != null && !(dims.length == 2 && dims[0] == 2 && dims[1] == 3)) {
            throw v.refuse("pooling dimensions " + java.util.Arrays.toString(dims) + " (only [2, 3] of NCHW)");
        }
        String op =
                switch (p.getPoolingType()) {
                    case AVG -> "GlobalAveragePool";
                    case MAX -> "GlobalMaxPool";
                    default -> throw v.refuse(
                            "pooling type " + p.getPoolingType() + " has no ONNX mapping (MAX and AVG do)");
                };
        OnnxGraphBuilder g = v.graph();
        if (p.isCollapseDimensions()) {
            String pooled = g.node(op, List.of(in.name()), v.local("pooled"));
            g.node("Flatten", List.of(pooled), v.name(), integer("axis", 1));
        } else {
            g.node(op, List.of(in.name()), v.name());
        }
        return new ExportedTensor(v.name(), in.channels(), 0);
    }
}
