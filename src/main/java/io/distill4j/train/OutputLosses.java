package io.distill4j.train;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The loss function of a graph's {@code LossLayer} output, read and replaced in place. The
 * driver-side rounds (the holistic critic, L-MCL's meta weights) train state that lives inside a
 * loss and install each round's loss this way, so the next fit's configuration broadcast carries it.
 */
public final class OutputLosses {
    private OutputLosses() {}

    /** Whether output {@code output} is a LossLayer whose loss is a {@code type}. */
    public static boolean is(ComputationGraph net, String output, Class<? extends ILossFunction> type) {
        return type.isInstance(lossOrNull(net, output));
    }

    /** The {@code type} loss of output {@code output} in the network's configuration. */
    public static <T extends ILossFunction> T get(ComputationGraph net, String output, Class<T> type) {
        ILossFunction loss = lossOrNull(net, output);
        if (!type.isInstance(loss)) {
            throw new IllegalArgumentException("output " + output + " is not a " + type.getSimpleName() + " output");
        }
        return type.cast(loss);
    }

    /**
     * Replaces the loss of output {@code output}, which must already be of the new loss's class, in
     * the configuration (what Spark broadcasts and checkpoints record) and in the live layer (what
     * this JVM's training and scoring use).
     */
    public static void replace(ComputationGraph net, String output, ILossFunction loss) {
        get(net, output, loss.getClass());
        lossLayer(net.getConfiguration().getVertices().get(output)).setLossFn(loss);
        if (net.getLayer(output).conf().getLayer() instanceof LossLayer live) live.setLossFn(loss);
    }

    private static ILossFunction lossOrNull(ComputationGraph net, String output) {
        LossLayer layer = lossLayer(net.getConfiguration().getVertices().get(output));
        return layer == null ? null : layer.getLossFn();
    }

    private static LossLayer lossLayer(GraphVertex v) {
        return v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof LossLayer l ? l : null;
    }
}
