package io.distill4j.train;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * DL4J's parameter averaging, handed data that is already one averaging round: one partition per
 * worker, each holding what that worker fits before the average. DL4J's own {@code Direct}
 * approach would first persist the whole RDD it is given (MEMORY_ONLY_SER, never unpersisted),
 * count it, split it by filtering every element once per round, and rebalance each split with
 * another count and a shuffle: with examples built lazily from records, every one of those passes
 * would build the examples (and run an online teacher) again. {@link SparkTrainer} does the
 * dealing on the light records instead, so this master only broadcasts the parameters, trains the
 * partitions and averages.
 */
final class RoundTrainingMaster extends ParameterAveragingTrainingMaster {
    private int round = 1;
    private int rounds = 1;
    private int examplesInRound;

    RoundTrainingMaster(Builder builder) {
        super(builder);
    }

    /** Which round of the epoch the next {@code executeTrainingMDS} call trains (for DL4J's log line). */
    void nextRound(int round, int rounds, int examples) {
        this.round = round;
        this.rounds = rounds;
        this.examplesInRound = examples;
    }

    @Override
    protected void executeTrainingDirect(SparkComputationGraph graph, JavaRDD<MultiDataSet> roundData) {
        if (collectTrainingStats) stats.logFitStart();
        doIteration(graph, roundData, round, rounds);
        if (collectTrainingStats) stats.logFitEnd(examplesInRound);
    }
}
