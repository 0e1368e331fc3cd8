package io.distill4j.train;

import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Copies a network's body into another graph under prefixed names, sharing the input: how mutual
 * learning puts two students in one graph (so DL4J's parameter averaging trains both together),
 * and how each is taken out again for export.
 */
public final class GraphCopies {
    private GraphCopies() {}

    /**
     * Adds every vertex of {@code source} except its inputs and outputs to {@code target} as
     * {@code prefix + name}; inputs of the source stay shared.
     */
    public static void addPrefixedBody(GraphBuilder target, ComputationGraphConfiguration source, String prefix) {
        Set<String> outputs = Set.copyOf(source.getNetworkOutputs());
        Set<String> inputs = Set.copyOf(source.getNetworkInputs());
        // GraphBuilder resolves inputs at build(), so vertices may be added in any order.
        for (String name : source.getVertices().keySet()) {
            if (inputs.contains(name) || outputs.contains(name)) continue;
            GraphVertex v = source.getVertices().get(name).clone();
            if (v instanceof LayerVertex lv) lv.getLayerConf().getLayer().setLayerName(prefix + name);
            List<String> in = source.getVertexInputs().get(name);
            target.addVertex(
                    prefix + name,
                    v,
                    in.stream().map(i -> inputs.contains(i) ? i : prefix + i).toArray(String[]::new));
        }
    }

    /** Copies the parameters of {@code prefix + name} layers of {@code from} into the same-named layers of {@code to}. */
    public static void copyParameters(ComputationGraph from, String prefix, ComputationGraph to) {
        for (org.deeplearning4j.nn.api.Layer l : to.getLayers()) {
            if (l.numParams() == 0) continue;
            String name = l.conf().getLayer().getLayerName();
            org.deeplearning4j.nn.api.Layer source = from.getLayer(prefix + name);
            if (source == null) throw new IllegalArgumentException("no layer '" + prefix + name + "' to copy from");
            l.setParams(source.params().dup());
        }
    }
}
