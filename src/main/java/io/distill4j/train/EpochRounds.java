package io.distill4j.train;

import java.io.Serializable;
import java.util.Random;

/**
 * Where each record of an epoch trains: which averaging round and which worker. Pure: the trainer
 * ships it to the tasks that key the records for the epoch's one shuffle.
 *
 * <p>Records are numbered by (source partition, position in it) from counts taken once; a seeded
 * permutation of those numbers, different every epoch, deals them out. Position p of the
 * permutation trains in round {@code p % rounds} on worker {@code (p / rounds) % workers}, so the
 * rounds differ in size by at most one example and so do the workers of a round: with fewer
 * examples than one round can take, every worker still gets some as long as there are at least as
 * many examples as workers.
 */
public final class EpochRounds implements Serializable {
    private final long[] partitionOffsets;
    private final int[] permutation;
    private final int rounds;
    private final int workers;

    private EpochRounds(long[] partitionOffsets, int[] permutation, int rounds, int workers) {
        this.partitionOffsets = partitionOffsets;
        this.permutation = permutation;
        this.rounds = rounds;
        this.workers = workers;
    }

    /**
     * @param partitionCounts   records in each source partition
     * @param workers           partitions trained in parallel in one round
     * @param examplesPerWorker examples one worker fits in a round (minibatch x averaging frequency)
     * @param seed              the epoch's seed: the same seed deals the same way
     */
    public static EpochRounds plan(long[] partitionCounts, int workers, int examplesPerWorker, long seed) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        if (examplesPerWorker < 1)
            throw new IllegalArgumentException("examples per worker must be at least 1, was " + examplesPerWorker);
        long[] offsets = new long[partitionCounts.length + 1];
        for (int i = 0; i < partitionCounts.length; i++) offsets[i + 1] = offsets[i] + partitionCounts[i];
        long total = offsets[partitionCounts.length];
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("too many examples for one epoch: " + total);
        int n = (int) total;
        long perRound = (long) workers * examplesPerWorker;
        int rounds = (int) Math.max(1, (n + perRound - 1) / perRound);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return new EpochRounds(offsets, perm, rounds, workers);
    }

    public int rounds() {
        return rounds;
    }

    public int workers() {
        return workers;
    }

    /** Records in the epoch. */
    public int examples() {
        return permutation.length;
    }

    /** Workers that get at least one example in a round (fewer than {@link #workers} only with fewer examples than workers). */
    public int busyWorkers() {
        return Math.min(workers, (examples() + rounds - 1) / rounds);
    }

    /** Examples that train in {@code round}. */
    public int examplesIn(int round) {
        int n = examples();
        return n / rounds + (round < n % rounds ? 1 : 0);
    }

    /**
     * The shuffle partition of a record: {@code round * workers + worker}, so a round's workers are
     * partitions {@code round * workers .. round * workers + workers - 1}.
     */
    public int bucket(int partition, long indexInPartition) {
        long global = partitionOffsets[partition] + indexInPartition;
        if (indexInPartition < 0 || global >= partitionOffsets[partition + 1]) {
            throw new IllegalStateException("partition " + partition + " of the training records yields more than the "
                    + (partitionOffsets[partition + 1] - partitionOffsets[partition])
                    + " records it held when counted: the "
                    + "records must be the same every time they are read");
        }
        int p = permutation[(int) global];
        return (p % rounds) * workers + (p / rounds) % workers;
    }
}
