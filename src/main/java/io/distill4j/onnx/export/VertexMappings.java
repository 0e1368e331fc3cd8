package io.distill4j.onnx.export;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

/**
 * The one list of DL4J layer and vertex kinds the exporter can write. Kinds are matched by exact
 * class, so a subclass (Deconvolution2D is a ConvolutionLayer, SeparableConvolution2D too) is
 * refused until it has a mapping of its own rather than silently written as its parent.
 */
public final class VertexMappings {
    private static final Map<Class<?>, VertexMapping> BY_KIND = new LinkedHashMap<>();

    static {
        BY_KIND.put(ConvolutionLayer.class, new ConvolutionMapping());
        BY_KIND.put(DepthwiseConvolution2D.class, new DepthwiseConvolutionMapping());
        BY_KIND.put(BatchNormalization.class, new BatchNormalizationMapping());
        BY_KIND.put(ActivationLayer.class, new ActivationLayerMapping());
        BY_KIND.put(SubsamplingLayer.class, new SubsamplingMapping());
        BY_KIND.put(GlobalPoolingLayer.class, new GlobalPoolingMapping());
        BY_KIND.put(Upsampling2D.class, new Upsampling2DMapping());
        BY_KIND.put(ZeroPaddingLayer.class, new ZeroPaddingMapping());
        BY_KIND.put(DropoutLayer.class, new DropoutLayerMapping());
        BY_KIND.put(ElementWiseVertex.class, new ElementWiseMapping());
        BY_KIND.put(MergeVertex.class, new MergeMapping());
    }

    private VertexMappings() {}

    /** The mapping for a vertex, or a refusal naming the vertex, its kind and the kinds that are mapped. */
    static VertexMapping of(String vertexName, GraphVertex vertex) {
        Object kind = vertex instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : vertex;
        VertexMapping m = BY_KIND.get(kind.getClass());
        if (m == null) {
            throw new OnnxExportException("cannot export vertex '" + vertexName + "': "
                    + kind.getClass().getSimpleName() + " has no ONNX mapping (mapped: " + mappedKinds() + ")");
        }
        return m;
    }

    /** Simple class names of the mapped kinds, in registration order. */
    public static String mappedKinds() {
        return String.join(
                ", ", BY_KIND.keySet().stream().map(Class::getSimpleName).toList());
    }
}
