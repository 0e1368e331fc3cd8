package io.distill4j.onnx.export;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;

/** {@link ActivationLayer} -> its activation's node (an Identity node for the identity). */
final class ActivationLayerMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        ActivationLayer a = (ActivationLayer) v.layer();
        ExportedTensor in = v.input();
        if (Activations.isIdentity(a.getActivationFn())) {
            v.graph().node("Identity", List.of(in.name()), v.name());
        } else {
            Activations.apply(v, a.getActivationFn(), in.name());
        }
        return new ExportedTensor(v.name(), in.channels(), in.stride());
    }
}
