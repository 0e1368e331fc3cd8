package io.distill4j.onnx.export;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;

/** {@link DropoutLayer} -> Identity: dropout only acts in training, and the export is for inference. */
final class DropoutLayerMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        ExportedTensor in = v.input();
        v.graph().node("Identity", List.of(in.name()), v.name());
        return new ExportedTensor(v.name(), in.channels(), in.stride());
    }
}
