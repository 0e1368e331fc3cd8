package io.distill4j.train;

import io.distill4j.config.TrainSettings;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import scala.Tuple2;

/**
 * Trains a {@link ComputationGraph} with DL4J's synchronous parameter averaging, one epoch at a time.
 *
 * <p>Each epoch the records of {@link EpochData} are dealt to averaging rounds and workers by
 * {@link EpochRounds} (seeded with {@code seed + epoch}, so a run resumed from the checkpoint of
 * epoch e-1 sees exactly the data order of an uninterrupted run) and moved there by one shuffle
 * of the records into {@code rounds x workers} partitions. Each round then trains its
 * {@code workers} partitions, building every example inside the task that fits it: an epoch builds
 * each example (and runs an online teacher on it) exactly once, holds only the minibatches being
 * fitted, and persists nothing, so nothing grows from epoch to epoch. The shuffle's files live as
 * long as the epoch's RDDs; Spark's cleaner removes them after.
 *
 * <p>With {@code train.repartition = never} the data stays in the records' own partitions and DL4J
 * splits it into rounds itself: the epoch's examples are then persisted (memory and disk,
 * serialized, so no block is recomputed) for the epoch and unpersisted after it.
 *
 * <p>Training is {@link RDDTrainingApproach#Direct} because the export approach refuses a local
 * default file system outside local mode (docs/stack.md).
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
        java.util.Map<String, Double> beforeEpoch(int epoch, ComputationGraph net, EpochData<?> data) throws Exception;

        /** A few words for the epoch's console line from what {@link #beforeEpoch} reported. */
        String describe(java.util.Map<String, Double> report);
    }

    private final JavaSparkContext sc;
    private final TrainSettings settings;
    private final Consumer<String> notices;
    /** Records per partition, by records RDD id: counted once per run, not once per epoch. */
    private final Map<Integer, long[]> partitionCounts = new HashMap<>();

    private boolean warnedIdle;

    public SparkTrainer(JavaSparkContext sc, TrainSettings settings) {
        this(sc, settings, System.err::println);
    }

    /** @param notices where a warning about the data's spread over the workers goes (the console) */
    public SparkTrainer(JavaSparkContext sc, TrainSettings settings, Consumer<String> notices) {
        this.sc = sc;
        this.settings = settings;
        this.notices = notices;
    }

    /**
     * Trains epochs {@code firstEpoch .. settings.epochs()} (1-based) on examples that already exist.
     *
     * @param data      the training examples of an epoch (one example per MultiDataSet)
     * @param probe     a fixed batch whose per-term scores are recorded after each epoch, or null
     */
    public ComputationGraph train(
            ComputationGraph net,
            int firstEpoch,
            IntFunction<JavaRDD<MultiDataSet>> data,
            ScoreProbe probe,
            EpochCallback callback)
            throws Exception {
        return train(net, firstEpoch, data, probe, null, callback);
    }

    /** As above, running {@code between} (if not null) on the driver before every epoch's fit. */
    public ComputationGraph train(
            ComputationGraph net,
            int firstEpoch,
            IntFunction<JavaRDD<MultiDataSet>> data,
            ScoreProbe probe,
            BetweenEpochs between,
            EpochCallback callback)
            throws Exception {
        return trainOn(net, firstEpoch, e -> EpochData.ofExamples(data.apply(e)), probe, between, callback);
    }

    /**
     * Trains epochs {@code firstEpoch .. settings.epochs()} (1-based), running {@code between} (if
     * not null) on the driver before every epoch's fit.
     *
     * @param data  each epoch's records and how to build examples from them
     * @param probe a fixed batch whose per-term scores are recorded after each epoch, or null
     */
    public ComputationGraph trainOn(
            ComputationGraph net,
            int firstEpoch,
            IntFunction<? extends EpochData<?>> data,
            ScoreProbe probe,
            BetweenEpochs between,
            EpochCallback callback)
            throws Exception {
        int workers = settings.workers() > 0 ? settings.workers() : sc.defaultParallelism();
        if (between != null && firstEpoch <= settings.epochs()) between.start(firstEpoch);
        for (int epoch = firstEpoch; epoch <= settings.epochs(); epoch++) {
            EpochData<?> epochData = data.apply(epoch);
            java.util.Map<String, Double> before =
                    between == null ? java.util.Map.of() : between.beforeEpoch(epoch, net, epochData);
            CollectionAccumulator<String> iterations = sc.sc().collectionAccumulator("iterations-epoch-" + epoch);
            long start = System.nanoTime();
            Fitted fitted = settings.repartition() == Repartition.Never
                    ? fitAsDl4jSplits(net, epochData, workers, epoch, iterations)
                    : fitInRounds(net, epochData, workers, epoch, iterations);
            net = fitted.sparkNet().getNetwork();
            double seconds = (System.nanoTime() - start) / 1e9;
            long probeStart = System.nanoTime();
            java.util.Map<String, Double> terms = probe == null ? java.util.Map.of() : probe.scores(net);
            double probeSeconds = (System.nanoTime() - probeStart) / 1e9;
            EpochMetrics m = new EpochMetrics(
                    epoch,
                    fitted.sparkNet().getScore(),
                    terms,
                    fitted.examples(),
                    seconds,
                    fitted.examples() / seconds,
                    averagingMs(fitted.sparkNet().getSparkTrainingStats()),
                    sortedByTime(iterations.value()),
                    before,
                    probeSeconds);
            callback.afterEpoch(epoch, net, m);
        }
        return net;
    }

    /** The trained Spark network of an epoch and how many examples it fitted. */
    private record Fitted(SparkComputationGraph sparkNet, long examples) {}

    private ParameterAveragingTrainingMaster.Builder master(int workers, int epoch, Repartition repartition) {
        return new ParameterAveragingTrainingMaster.Builder(workers, 1)
                .batchSizePerWorker(settings.batchSizePerWorker())
                .averagingFrequency(settings.averagingFrequency())
                .workerPrefetchNumBatches(settings.prefetch())
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(repartition)
                // Persistence is the trainer's business: DL4J's own never unpersists.
                .storageLevel(null)
                .saveUpdater(true)
                .rngSeed(settings.seed() + epoch)
                .collectTrainingStats(true);
    }

    /** The default path: the records dealt to rounds and workers by one shuffle, examples built where they train. */
    private <T> Fitted fitInRounds(
            ComputationGraph net, EpochData<T> data, int workers, int epoch, CollectionAccumulator<String> iterations) {
        EpochRounds plan = EpochRounds.plan(
                countsOf(data.records()),
                workers,
                settings.batchSizePerWorker() * settings.averagingFrequency(),
                settings.seed() + epoch);
        warnIfIdle(plan);
        RoundTrainingMaster tm = new RoundTrainingMaster(master(workers, epoch, Repartition.Never));
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, tm);
        sparkNet.setListeners(new IterationScores(iterations, epoch));
        Broadcast<EpochRounds> dealt = sc.broadcast(plan);
        try {
            JavaRDD<T> byRound = data.records()
                    .mapPartitionsWithIndex((partition, it) -> keyedByBucket(dealt.value(), partition, it), true)
                    .mapToPair(t -> t)
                    .partitionBy(new HashPartitioner(plan.rounds() * plan.workers()))
                    .values();
            for (int round = 0; round < plan.rounds(); round++) {
                JavaRDD<T> share = PartitionPruningRDD.create(
                                byRound.rdd(), new PartitionRange(round * workers, workers))
                        .toJavaRDD();
                tm.nextRound(round + 1, plan.rounds(), plan.examplesIn(round));
                tm.executeTrainingMDS(sparkNet, data.examplesOf(share));
            }
        } finally {
            dealt.destroy();
        }
        // One epoch, however many rounds (fitMultiDataSet would count every round as an epoch).
        sparkNet.getNetwork().incrementEpochCount();
        return new Fitted(sparkNet, plan.examples());
    }

    /** {@code train.repartition = never}: DL4J's own splitting, over examples persisted for this epoch only. */
    private Fitted fitAsDl4jSplits(
            ComputationGraph net, EpochData<?> data, int workers, int epoch, CollectionAccumulator<String> iterations) {
        SparkComputationGraph sparkNet = new SparkComputationGraph(
                sc, net, master(workers, epoch, Repartition.Never).build());
        sparkNet.setListeners(new IterationScores(iterations, epoch));
        JavaRDD<MultiDataSet> examples = data.examples().persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            long n = examples.count();
            sparkNet.fitMultiDataSet(examples);
            return new Fitted(sparkNet, n);
        } finally {
            examples.unpersist(false);
        }
    }

    private static <T> Iterator<Tuple2<Integer, T>> keyedByBucket(
            EpochRounds plan, int partition, Iterator<T> records) {
        return new Iterator<>() {
            private long index;

            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Tuple2<Integer, T> next() {
                T r = records.next();
                return new Tuple2<>(plan.bucket(partition, index++), r);
            }
        };
    }

    /** Records per partition of {@code records}, counted on first use. */
    private long[] countsOf(JavaRDD<?> records) {
        return partitionCounts.computeIfAbsent(records.id(), id -> {
            List<long[]> counted = records.mapPartitionsWithIndex(
                            (partition, it) -> {
                                long n = 0;
                                for (; it.hasNext(); it.next()) n++;
                                return List.of(new long[] {partition, n}).iterator();
                            },
                            true)
                    .collect();
            long[] counts = new long[records.getNumPartitions()];
            for (long[] c : counted) counts[(int) c[0]] = c[1];
            return counts;
        });
    }

    private void warnIfIdle(EpochRounds plan) {
        if (warnedIdle || plan.busyWorkers() >= plan.workers()) return;
        warnedIdle = true;
        notices.accept(String.format(
                "warning: %d training examples per epoch for %d workers (train.workers): %d worker(s) "
                        + "get no examples and sit idle; add examples or lower train.workers",
                plan.examples(), plan.workers(), plan.workers() - plan.busyWorkers()));
    }

    /** Keeps partitions {@code first .. first + count - 1}: one round's workers. */
    private static final class PartitionRange extends scala.runtime.AbstractFunction1<Object, Object>
            implements Serializable {
        private final int first;
        private final int count;

        PartitionRange(int first, int count) {
            this.first = first;
            this.count = count;
        }

        @Override
        public Object apply(Object partition) {
            int p = (Integer) partition;
            return p >= first && p < first + count;
        }
    }

    /** Iteration lines in the order they happened (workers report in parallel). */
    private static List<String> sortedByTime(List<String> lines) {
        List<String> sorted = new java.util.ArrayList<>(lines);
        sorted.sort(
                java.util.Comparator.comparingLong(l -> Long.parseLong(l.replaceAll(".*\"time_ms\":(\\d+).*", "$1"))));
        return sorted;
    }

    private static long averagingMs(SparkTrainingStats stats) {
        if (stats == null) return -1;
        long ms = 0;
        for (String key : List.of(
                ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS,
                ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_PROCESS_PARAMS_UPDATER_TIMES_MS)) {
            if (!stats.getKeySet().contains(key)) continue;
            for (EventStats e : stats.getValue(key)) ms += e.getDurationMs();
        }
        return ms;
    }
}
