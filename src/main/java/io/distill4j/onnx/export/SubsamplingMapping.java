package io.distill4j.onnx.export;

import static io.distill4j.onnx.export.OnnxGraphBuilder.integer;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * {@link SubsamplingLayer} MAX -> MaxPool (padding never wins, as in DL4J), AVG -> AveragePool
 * with count_include_pad from the layer's avgPoolIncludePadInDivisor. P-norm and SUM pooling, and
 * dilated average pooling, are refused.
 */
final class SubsamplingMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        SubsamplingLayer s = (SubsamplingLayer) v.layer();
        ConvolutionMapping.requireNchw(v, s.getCnn2dDataFormat());
        ExportedTensor in = v.input();
        PoolingType type = s.getPoolingType();
        List<onnx.Onnx.AttributeProto> a = new ArrayList<>(WindowGeometry.attributes(
                v,
                s.getConvolutionMode(),
                s.getKernelSize(),
                s.getStride(),
                s.getPadding(),
                s.getDilation(),
                type == PoolingType.MAX));
        String op;
        if (type == PoolingType.MAX) {
            op = "MaxPool";
        } else if (type == PoolingType.AVG) {
            op = "AveragePool";
            a.add(integer("count_include_pad", s.isAvgPoolIncludePadInDivisor() ? 1 : 0));
        } else {
            throw v.refuse("pooling type " + type + " has no ONNX mapping (MAX and AVG do)");
        }
        v.graph().node(op, List.of(in.name()), v.name(), a.toArray(onnx.Onnx.AttributeProto[]::new));
        return new ExportedTensor(v.name(), in.channels(), WindowGeometry.stride(in.stride(), s.getStride()));
    }
}
