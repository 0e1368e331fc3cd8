package io.distill4j.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Wiring helpers that add outputs and adapters onto a blueprint's graph builder. */
public final class GraphHeads {

    private GraphHeads() {}

    /**
     * Adds {@code outputName}: a {@link LossLayer} with identity activation behind a
     * {@link CnnToFeedForwardPreProcessor}(H, W, C) on the tap. The loss therefore sees preOutput
     * and labels as {@code [N, C*H*W]} rows, flattened in NCHW 'c' order (index c*H*W + y*W + x),
     * and can reshape them back to the whole map. Does not touch the graph's output list: call
     * {@code setOutputs} with every output afterwards.
     *
     * @return outputName
     */
    public static String addLossOutput(GraphBuilder graph, String outputName, TapInfo tap, ILossFunction loss) {
        graph.addLayer(
                outputName,
                new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(),
                new CnnToFeedForwardPreProcessor(tap.height(), tap.width(), tap.channels()),
                tap.vertexName());
        return outputName;
    }

    /**
     * Removes every vertex from which no network output can be reached (e.g. the {@code reg}
     * branch when only {@code heatmap} gets a loss). Call after {@code setOutputs}, before
     * {@code build}: DL4J M2 accepts such dangling vertices with allowDisconnected but then fails
     * the backward pass ("Cannot do backward pass: all epsilons not set").
     *
     * @return the builder, for chaining
     */
    public static GraphBuilder pruneToOutputs(GraphBuilder graph) {
        java.util.List<String> outputs = graph.getNetworkOutputs();
        if (outputs == null || outputs.isEmpty()) {
            throw new IllegalStateException("pruneToOutputs needs the outputs set first (setOutputs)");
        }
        java.util.Map<String, java.util.List<String>> inputs = graph.getVertexInputs();
        java.util.Set<String> needed = new java.util.HashSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(outputs);
        while (!todo.isEmpty()) {
            String vertex = todo.poll();
            if (needed.add(vertex)) {
                todo.addAll(inputs.getOrDefault(vertex, java.util.List.of()));
            }
        }
        for (String vertex : java.util.List.copyOf(graph.getVertices().keySet())) {
            if (!needed.contains(vertex)) {
                graph.removeVertex(vertex, true);
            }
        }
        return graph;
    }

    /**
     * Adds a trainable 1x1 convolution (with bias, identity activation) from a tap to
     * {@code outChannels}: the adapter that lets a student map be compared with a teacher map of
     * another width (CWD / feature distillation).
     *
     * @return the adapter as a tap named {@code adapterName}
     */
    public static TapInfo addConvAdapter(GraphBuilder graph, String adapterName, TapInfo from, int outChannels) {
        if (outChannels < 1) {
            throw new IllegalArgumentException(
                    "adapter '" + adapterName + "': outChannels must be at least 1, cannot be: " + outChannels);
        }
        graph.addLayer(
                adapterName,
                new ConvolutionLayer.Builder(1, 1)
                        .stride(1, 1)
                        .nOut(outChannels)
                        .hasBias(true)
                        .activation(Activation.IDENTITY)
                        .build(),
                from.vertexName());
        return new TapInfo(adapterName, adapterName, outChannels, from.height(), from.width());
    }
}
