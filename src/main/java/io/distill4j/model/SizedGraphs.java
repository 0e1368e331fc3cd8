package io.distill4j.model;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained graph's parameters in the same layers built for another input size. A DL4J graph is
 * built for one input size, but no parameter depends on it (convolutions are size-free and the
 * pyramid pooling's kernels follow the grid, {@link ModelBlueprint#atSize}), so a model trained on
 * crops can be rebuilt at the shard size and back. Batch-norm running statistics are parameters in
 * DL4J and are copied with the weights.
 */
public final class SizedGraphs {
    private SizedGraphs() {}

    /**
     * A new graph of {@code atSize} holding {@code trained}'s parameters, copied layer by layer by
     * name. Layers of {@code trained} that {@code atSize} lacks (adapters, distillation outputs) are
     * left out; a layer of {@code atSize} with parameters that {@code trained} lacks, or whose
     * parameter shapes differ, is refused with one line naming the layer.
     */
    public static ComputationGraph withParameters(ComputationGraphConfiguration atSize, ComputationGraph trained) {
        ComputationGraph net = new ComputationGraph(atSize);
        net.init();
        for (Layer layer : net.getLayers()) {
            if (layer.numParams() == 0) continue;
            String name = layer.conf().getLayer().getLayerName();
            GraphVertex source = trained.getVertex(name);
            if (source == null || !source.hasLayer() || source.getLayer().numParams() == 0) {
                throw new IllegalArgumentException(
                        "layer '" + name + "' has parameters but the trained graph has no such layer with parameters");
            }
            Map<String, INDArray> from = source.getLayer().paramTable();
            Map<String, INDArray> to = layer.paramTable();
            if (!from.keySet().equals(to.keySet())) {
                throw new IllegalArgumentException("layer '" + name + "': parameters " + to.keySet() + " here, "
                        + from.keySet() + " in the trained graph");
            }
            for (Map.Entry<String, INDArray> p : to.entrySet()) {
                INDArray value = from.get(p.getKey());
                if (!Arrays.equals(value.shape(), p.getValue().shape())) {
                    throw new IllegalArgumentException("layer '" + name + "': parameter " + p.getKey() + " is "
                            + Arrays.toString(p.getValue().shape()) + " here but "
                            + Arrays.toString(value.shape()) + " in the trained graph");
                }
            }
            // The param table's arrays are views of the network's flat parameter vector.
            for (Map.Entry<String, INDArray> p : to.entrySet()) {
                p.getValue().assign(from.get(p.getKey()));
            }
        }
        return net;
    }
}
