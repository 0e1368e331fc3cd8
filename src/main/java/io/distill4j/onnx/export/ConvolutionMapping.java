package io.distill4j.onnx.export;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ConvolutionLayer} -> Conv (+ its activation). DL4J keeps W as [nOut, nIn, kH, kW] and b as
 * [1, nOut], which are ONNX's layouts once b is flattened.
 */
final class ConvolutionMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        ConvolutionLayer c = (ConvolutionLayer) v.layer();
        requireNchw(v, c.getCnn2dDataFormat());
        ExportedTensor in = v.input();
        OnnxGraphBuilder g = v.graph();
        INDArray w = v.param("W");
        List<String> inputs = new ArrayList<>();
        inputs.add(in.name());
        inputs.add(g.floats(v.local("W"), w.shape(), w));
        if (c.hasBias()) {
            inputs.add(g.floats(v.local("b"), new long[] {c.getNOut()}, v.param("b")));
        }
        String pre = Activations.preActivation(v, c.getActivationFn());
        g.node(
                "Conv",
                inputs,
                pre,
                WindowGeometry.attributes(
                                v,
                                c.getConvolutionMode(),
                                c.getKernelSize(),
                                c.getStride(),
                                c.getPadding(),
                                c.getDilation(),
                                true)
                        .toArray(onnx.Onnx.AttributeProto[]::new));
        Activations.apply(v, c.getActivationFn(), pre);
        return new ExportedTensor(v.name(), c.getNOut(), WindowGeometry.stride(in.stride(), c.getStride()));
    }

    static void requireNchw(VertexExport v, CNN2DFormat format) {
        if (format != null && format != CNN2DFormat.NCHW) {
            throw v.refuse("data format " + format + " (only NCHW is exported)");
        }
    }
}
