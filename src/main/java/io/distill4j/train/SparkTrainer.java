package io.distill4j.train;

import io.distill4j.config.TrainSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Trains a {@link ComputationGraph} with DL4J's synchronous parameter averaging, one epoch per
 * {@code fitMultiDataSet} call.
 *
 * <p>Each epoch gets a fresh training master seeded with {@code seed + epoch}: the data split
 * of epoch e then depends only on (seed, e), so a run resumed from the checkpoint of epoch e-1
 * sees exactly the data order of an uninterrupted run. The RDD holds one example per
 * MultiDataSet; DL4J's workers batch them to {@code batchSizePerWorker}. Training is
 * {@link RDDTrainingApproach#Direct} because the export approach refuses a local default file
 * system outside local mode (docs/stack.md).
 */
public final class SparkTrainer {
    /** Called after every epoch with the trained network (on the driver). */
    public interface EpochCallback {
        void afterEpoch(int epoch, ComputationGraph net, EpochMetrics metrics) throws Exception;
    }

    /**
     * Driver-side work before each epoch's Spark fit, e.g. training the holistic critic against the
     * current student and installing it in the network's loss.
     */
    public interface BetweenEpochs {
        /** Called once before training starts at {@code firstEpoch} (above 1 when a run resumes). */
        void start(int firstEpoch) throws Exception;

        /** @return values recorded in the epoch's metrics line (e.g. the critic's losses) */
        java.util.Map<String, Double> beforeEpoch(int epoch, ComputationGraph net, JavaRDD<MultiDataSet> data) throws Exception;

        /** A few words for the epoch's console line from what {@link #beforeEpoch} reported. */
        String describe(java.util.Map<String, Double> report);
    }

    private final JavaSparkContext sc;
    private final TrainSettings settings;

    public SparkTrainer(JavaSparkContext sc, TrainSettings settings) {
        this.sc = sc;
        this.settings = settings;
    }

    /**
     * Trains epochs {@code firstEpoch .. settings.epochs()} (1-based).
     *
     * @param data      the training examples of an epoch (one example per MultiDataSet); built per epoch
     * @param probe     a fixed batch whose per-term scores are recorded after each epoch, or null
     */
    public ComputationGraph train(ComputationGraph net, int firstEpoch, IntFunction<JavaRDD<MultiDataSet>> data,
                                  ScoreProbe probe, EpochCallback callback) throws Exception {
        return train(net, firstEpoch, data, probe, null, callback);
    }

    /**
     * As above, running {@code between} (if not null) on the driver before every epoch's fit.
     */
    public ComputationGraph train(ComputationGraph net, int firstEpoch, IntFunction<JavaRDD<MultiDataSet>> data,
                                  ScoreProbe probe, BetweenEpochs between, EpochCallback callback) throws Exception {
        int workers = settings.workers() > 0 ? settings.workers() : sc.defaultParallelism();
        if (between != null && firstEpoch <= settings.epochs()) between.start(firstEpoch);
        for (int epoch = firstEpoch; epoch <= settings.epochs(); epoch++) {
            JavaRDD<MultiDataSet> rdd = data.apply(epoch);
            java.util.Map<String, Double> before = between == null ? java.util.Map.of() : between.beforeEpoch(epoch, net, rdd);
            ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(workers, 1)
                    .batchSizePerWorker(settings.batchSizePerWorker())
                    .averagingFrequency(settings.averagingFrequency())
                    .workerPrefetchNumBatches(settings.prefetch())
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .repartionData(settings.repartition())
                    .saveUpdater(true)
                    .rngSeed(settings.seed() + epoch)
                    .collectTrainingStats(true)
                    .build();
            SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, tm);
            CollectionAccumulator<String> iterations = sc.sc().collectionAccumulator("iterations-epoch-" + epoch);
            sparkNet.setListeners(new IterationScores(iterations, epoch));
            long start = System.nanoTime();
            net = sparkNet.fitMultiDataSet(rdd);
            double seconds = (System.nanoTime() - start) / 1e9;
            long examples = rdd.count();
            EpochMetrics m = new EpochMetrics(epoch, sparkNet.getScore(),
                    probe == null ? java.util.Map.of() : probe.scores(net), examples, seconds, examples / seconds,
                    averagingMs(sparkNet.getSparkTrainingStats()), sortedByTime(iterations.value()), before);
            callback.afterEpoch(epoch, net, m);
        }
        return net;
    }

    /** Iteration lines in the order they happened (workers report in parallel). */
    private static List<String> sortedByTime(List<String> lines) {
        List<String> sorted = new java.util.ArrayList<>(lines);
        sorted.sort(java.util.Comparator.comparingLong(l -> Long.parseLong(l.replaceAll(".*\"time_ms\":(\\d+).*", "$1"))));
        return sorted;
    }

    private static long averagingMs(SparkTrainingStats stats) {
        if (stats == null) return -1;
        long ms = 0;
        for (String key : List.of(ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS,
                ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_PROCESS_PARAMS_UPDATER_TIMES_MS)) {
            if (!stats.getKeySet().contains(key)) continue;
            for (EventStats e : stats.getValue(key)) ms += e.getDurationMs();
        }
        return ms;
    }
}
