package io.distill4j.config;

import java.io.Serializable;
import org.deeplearning4j.spark.api.Repartition;

/**
 * How a network is trained on Spark (train-teacher and distill share it, so comparisons are fair).
 *
 * @param batchSizePerWorker   examples per minibatch on each worker
 * @param averagingFrequency   minibatches each worker fits between two parameter averagings
 * @param workers              data partitions trained in parallel; 0 = Spark's default parallelism
 * @param prefetch             minibatches each worker prepares ahead of the step (async iterator)
 * @param repartition          when DL4J repartitions the data before each averaging round
 * @param validateEvery        epochs between two scores of the model on the evaluation split (and
 *                             after the last epoch); 0 = never
 * @param keepCheckpoints      newest epoch checkpoints a run keeps ({@link RunDirectory#pruneCheckpoints});
 *                             {@link #KEEP_ALL_CHECKPOINTS} keeps every one
 */
public record TrainSettings(
        int epochs,
        int batchSizePerWorker,
        int averagingFrequency,
        int workers,
        double learningRate,
        long seed,
        int prefetch,
        Repartition repartition,
        int validateEvery,
        int keepCheckpoints)
        implements Serializable {
    /** {@code train.keep-checkpoints = 0}: no checkpoint is removed. */
    public static final int KEEP_ALL_CHECKPOINTS = 0;

    /** Keeping every checkpoint. */
    public TrainSettings(
            int epochs,
            int batchSizePerWorker,
            int averagingFrequency,
            int workers,
            double learningRate,
            long seed,
            int prefetch,
            Repartition repartition,
            int validateEvery) {
        this(
                epochs,
                batchSizePerWorker,
                averagingFrequency,
                workers,
                learningRate,
                seed,
                prefetch,
                repartition,
                validateEvery,
                KEEP_ALL_CHECKPOINTS);
    }

    /** Without validation during training, keeping every checkpoint. */
    public TrainSettings(
            int epochs,
            int batchSizePerWorker,
            int averagingFrequency,
            int workers,
            double learningRate,
            long seed,
            int prefetch,
            Repartition repartition) {
        this(epochs, batchSizePerWorker, averagingFrequency, workers, learningRate, seed, prefetch, repartition, 0);
    }

    public TrainSettings withSeed(long s) {
        return new TrainSettings(
                epochs,
                batchSizePerWorker,
                averagingFrequency,
                workers,
                learningRate,
                s,
                prefetch,
                repartition,
                validateEvery,
                keepCheckpoints);
    }

    public TrainSettings withEpochs(int e) {
        return new TrainSettings(
                e,
                batchSizePerWorker,
                averagingFrequency,
                workers,
                learningRate,
                seed,
                prefetch,
                repartition,
                validateEvery,
                keepCheckpoints);
    }

    /** Whether the model is scored after {@code epoch}: every validateEvery epochs and after the last. */
    public boolean validatesAfter(int epoch) {
        return validateEvery > 0 && (epoch % validateEvery == 0 || epoch == epochs);
    }
}
