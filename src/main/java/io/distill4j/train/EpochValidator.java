package io.distill4j.train;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Scores the network being trained on held-out data between epochs ({@code train.validate-every}),
 * as MMSegmentation's evaluation hook does. Higher scores are better.
 */
public interface EpochValidator {
    /** A score and the model it was computed on (which the driver keeps when it is the best so far). */
    record Score(String metric, double value, ComputationGraph model) {}

    /** @param training the training graph after an epoch; not modified */
    Score validate(ComputationGraph training);
}
