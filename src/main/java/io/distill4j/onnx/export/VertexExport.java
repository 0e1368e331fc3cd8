package io.distill4j.onnx.export;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a {@link VertexMapping} gets for one DL4J vertex.
 *
 * @param name   the DL4J vertex name, which is also the ONNX name of its output
 * @param conf   the vertex's configuration
 * @param inputs the ONNX tensors feeding it, in DL4J's input order
 * @param params the trained parameters by DL4J's parameter key ("W", "b", "gamma", ...)
 * @param graph  where to write nodes and initializers
 */
public record VertexExport(
        String name,
        GraphVertex conf,
        List<ExportedTensor> inputs,
        Map<String, INDArray> params,
        OnnxGraphBuilder graph) {

    /** The layer configuration of a layer vertex (null for other vertices). */
    public Layer layer() {
        return conf instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }

    /** The single input of a layer; fails naming the vertex when there are several. */
    public ExportedTensor input() {
        if (inputs.size() != 1) {
            throw refuse("expects one input, has " + inputs.size());
        }
        return inputs.get(0);
    }

    /** A trained parameter, or a refusal naming the vertex and the missing key. */
    public INDArray param(String key) {
        INDArray p = params.get(key);
        if (p == null) {
            throw refuse("has no parameter '" + key + "' (parameters: " + params.keySet() + ")");
        }
        return p;
    }

    /** An intermediate ONNX value name owned by this vertex. */
    public String local(String suffix) {
        return name + "/" + suffix;
    }

    /** An exception naming this vertex, its kind and the problem. */
    public OnnxExportException refuse(String problem) {
        Object kind = layer() != null ? layer() : conf;
        return new OnnxExportException(
                "cannot export vertex '" + name + "' (" + kind.getClass().getSimpleName() + "): " + problem);
    }
}
