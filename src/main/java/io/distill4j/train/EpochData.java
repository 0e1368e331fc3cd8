package io.distill4j.train;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * One epoch's training data as light records (shard rows, cached teacher rows) and the function
 * that turns a partition of them into one-example MultiDataSets on the executors. Keeping the two
 * apart lets {@link SparkTrainer} move the records to the workers and build each example inside
 * the task that trains on it, once, without holding an epoch of examples (7.6 MB each at 512x1024)
 * in Spark's block store.
 *
 * <p>The records RDD must yield the same records in the same partitions every time it is computed
 * (a Parquet scan does): the trainer counts its partitions once and reuses the counts.
 *
 * @param <T> the record type; it travels through one shuffle per epoch, so it must serialize
 */
public final class EpochData<T> {
    private final JavaRDD<T> records;
    private final FlatMapFunction<Iterator<T>, MultiDataSet> builder;

    private EpochData(JavaRDD<T> records, FlatMapFunction<Iterator<T>, MultiDataSet> builder) {
        this.records = records;
        this.builder = builder;
    }

    /**
     * Records and a partition-wise builder. The builder should return a lazy iterator (build an
     * example, or a small batch of them, as the trainer pulls): the training task then holds only
     * the minibatches it is working on.
     */
    public static <T> EpochData<T> of(JavaRDD<T> records, FlatMapFunction<Iterator<T>, MultiDataSet> builder) {
        return new EpochData<>(records, builder);
    }

    /** Records turned into examples one by one. */
    public static <T> EpochData<T> mapped(JavaRDD<T> records, Function<T, MultiDataSet> example) {
        return new EpochData<T>(records, it -> new Mapped<>(it, example));
    }

    /** Applies a record-to-example function as the trainer pulls. */
    private static final class Mapped<T> implements Iterator<MultiDataSet> {
        private final Iterator<T> records;
        private final Function<T, MultiDataSet> example;

        Mapped(Iterator<T> records, Function<T, MultiDataSet> example) {
            this.records = records;
            this.example = example;
        }

        @Override
        public boolean hasNext() {
            return records.hasNext();
        }

        @Override
        public MultiDataSet next() {
            try {
                return example.call(records.next());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Examples that already exist (tests, small in-memory data). */
    public static EpochData<MultiDataSet> ofExamples(JavaRDD<MultiDataSet> examples) {
        return new EpochData<>(examples, it -> it);
    }

    public JavaRDD<T> records() {
        return records;
    }

    public FlatMapFunction<Iterator<T>, MultiDataSet> builder() {
        return builder;
    }

    /** Every example of the epoch, built when a Spark action pulls it (nothing is persisted). */
    public JavaRDD<MultiDataSet> examples() {
        return records.mapPartitions(builder);
    }

    /** Examples of the given records only (a round's share, a sample). */
    public JavaRDD<MultiDataSet> examplesOf(JavaRDD<T> someRecords) {
        return someRecords.mapPartitions(builder);
    }

    /** The number of records: a pass over them, without building examples. */
    public long count() {
        return records.count();
    }

    /** About {@code fraction} of the examples, built from a sample of the records only. */
    public JavaRDD<MultiDataSet> sample(double fraction, long seed) {
        return examplesOf(records.sample(false, fraction, seed));
    }

    /** {@code n} examples drawn without replacement, built on the executors from the drawn records only. */
    public List<MultiDataSet> takeSample(int n, long seed) {
        List<T> picked = records.takeSample(false, n, seed);
        if (picked.isEmpty()) return List.of();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(records.context());
        return examplesOf(sc.parallelize(picked, 1)).collect();
    }

    /**
     * The first {@code n} examples, built from the first records only (a lazy builder computes
     * about {@code n} of them, not the first partition).
     */
    public List<MultiDataSet> first(int n) {
        return examples().take(n);
    }
}
