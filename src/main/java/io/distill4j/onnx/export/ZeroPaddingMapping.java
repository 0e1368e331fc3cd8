package io.distill4j.onnx.export;

import static io.distill4j.onnx.export.OnnxGraphBuilder.string;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

/** {@link ZeroPaddingLayer} ([top, bottom, left, right]) -> Pad, constant zero. */
final class ZeroPaddingMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        ZeroPaddingLayer z = (ZeroPaddingLayer) v.layer();
        ConvolutionMapping.requireNchw(v, z.getDataFormat());
        ExportedTensor in = v.input();
        int[] p = z.getPadding();
        OnnxGraphBuilder g = v.graph();
        String pads = g.int64s(v.local("pads"), 0, 0, p[0], p[2], 0, 0, p[1], p[3]);
        g.node("Pad", List.of(in.name(), pads), v.name(), string("mode", "constant"));
        return new ExportedTensor(v.name(), in.channels(), in.stride());
    }
}
