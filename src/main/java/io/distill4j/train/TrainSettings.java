package io.distill4j.train;

import org.deeplearning4j.spark.api.Repartition;

import java.io.Serializable;

/**
 * How a network is trained on Spark (train-teacher and distill share it, so comparisons are fair).
 *
 * @param batchSizePerWorker   examples per minibatch on each worker
 * @param averagingFrequency   minibatches each worker fits between two parameter averagings
 * @param workers              data partitions trained in parallel; 0 = Spark's default parallelism
 * @param prefetch             minibatches each worker prepares ahead of the step (async iterator)
 * @param repartition          when DL4J repartitions the data before each averaging round
 */
public record TrainSettings(int epochs, int batchSizePerWorker, int averagingFrequency, int workers,
                            double learningRate, long seed, int prefetch, Repartition repartition) implements Serializable {
    public TrainSettings withSeed(long s) {
        return new TrainSettings(epochs, batchSizePerWorker, averagingFrequency, workers, learningRate, s, prefetch, repartition);
    }

    public TrainSettings withEpochs(int e) {
        return new TrainSettings(e, batchSizePerWorker, averagingFrequency, workers, learningRate, seed, prefetch, repartition);
    }
}
