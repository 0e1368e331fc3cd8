package io.distill4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Scores each output (loss term) of a graph on one fixed batch, so metrics.jsonl can show every
 * distillation term and the task loss separately (DL4J's training score is their weighted sum).
 *
 * <p>The batch is built once, before the first epoch. Scoring is a forward pass in inference mode
 * (batch normalization uses its running statistics, so the numbers of different epochs compare):
 * no gradient, no copy of the network. DL4J's {@code score} leaves each output layer's own score
 * on the layer and clears the layers' inputs afterwards, so the network trains on unchanged.
 */
public final class ScoreProbe {
    private final MultiDataSet batch;

    public ScoreProbe(MultiDataSet batch) {
        this.batch = batch;
    }

    /** Examples in the probe's batch. */
    public long examples() {
        return batch.getFeatures(0).size(0);
    }

    public Map<String, Double> scores(ComputationGraph net) {
        net.score(batch, false);
        Map<String, Double> out = new LinkedHashMap<>();
        for (String name : net.getConfiguration().getNetworkOutputs())
            out.put(name, net.getLayer(name).score());
        return out;
    }
}
