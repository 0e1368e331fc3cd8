package io.distill4j.onnx.export;

import static io.distill4j.onnx.export.OnnxGraphBuilder.integer;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link DepthwiseConvolution2D} -> Conv with group = nIn. DL4J keeps the depthwise W as
 * [kH, kW, nIn, multiplier] and orders output channels input-major (channel i*multiplier + m), which
 * is ONNX's grouped layout [nIn*multiplier, 1, kH, kW] after a permute.
 */
final class DepthwiseConvolutionMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        DepthwiseConvolution2D c = (DepthwiseConvolution2D) v.layer();
        ConvolutionMapping.requireNchw(v, c.getCnn2dDataFormat());
        ExportedTensor in = v.input();
        OnnxGraphBuilder g = v.graph();
        INDArray w = v.param("W");
        long kh = w.size(0);
        long kw = w.size(1);
        long nIn = w.size(2);
        long mult = w.size(3);
        INDArray onnxW = w.permute(2, 3, 0, 1).dup('c').reshape('c', nIn * mult, 1, kh, kw);
        List<String> inputs = new ArrayList<>();
        inputs.add(in.name());
        inputs.add(g.floats(v.local("W"), onnxW.shape(), onnxW));
        if (c.hasBias()) {
            inputs.add(g.floats(v.local("b"), new long[] {nIn * mult}, v.param("b")));
        }
        var attributes = new ArrayList<>(WindowGeometry.attributes(
                v, c.getConvolutionMode(), c.getKernelSize(), c.getStride(), c.getPadding(), c.getDilation(), true));
        attributes.add(integer("group", nIn));
        String pre = Activations.preActivation(v, c.getActivationFn());
        g.node("Conv", inputs, pre, attributes.toArray(onnx.Onnx.AttributeProto[]::new));
        Activations.apply(v, c.getActivationFn(), pre);
        return new ExportedTensor(v.name(), nIn * mult, WindowGeometry.stride(in.stride(), c.getStride()));
    }
}
