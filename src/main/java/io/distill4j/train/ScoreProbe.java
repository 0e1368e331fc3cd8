package io.distill4j.train;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scores each output (loss term) of a graph on one fixed batch, so metrics.jsonl can show every
 * distillation term and the task loss separately (DL4J's training score is their weighted sum).
 * Scored on a copy of the network: the probe must not disturb training state.
 */
public final class ScoreProbe {
    private final MultiDataSet batch;

    public ScoreProbe(MultiDataSet batch) {
        this.batch = batch;
    }

    public Map<String, Double> scores(ComputationGraph net) {
        ComputationGraph copy = net.clone();
        copy.setInputs(batch.getFeatures());
        copy.setLabels(batch.getLabels());
        copy.computeGradientAndScore();
        Map<String, Double> out = new LinkedHashMap<>();
        String[] names = copy.getConfiguration().getNetworkOutputs().toArray(new String[0]);
        for (String name : names) {
            Layer l = copy.getLayer(name);
            out.put(name, l.score());
        }
        return out;
    }
}
