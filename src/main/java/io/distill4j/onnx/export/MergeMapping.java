package io.distill4j.onnx.export;

import static io.distill4j.onnx.export.OnnxGraphBuilder.integer;

import java.util.List;
import org.deeplearning4j.nn.conf.graph.MergeVertex;

/** {@link MergeVertex} (channel concatenation of NCHW maps, axis 1) -> Concat. */
final class MergeMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        MergeVertex m = (MergeVertex) v.conf();
        if (m.getMergeAxis() != 1) {
            throw v.refuse("merge axis " + m.getMergeAxis() + " (only the channel axis 1 is exported)");
        }
        List<String> names = v.inputs().stream().map(ExportedTensor::name).toList();
        v.graph().node("Concat", names, v.name(), integer("axis", 1));
        long channels = v.inputs().stream().mapToLong(ExportedTensor::channels).sum();
        return new ExportedTensor(v.name(), channels, v.inputs().get(0).stride());
    }
}
