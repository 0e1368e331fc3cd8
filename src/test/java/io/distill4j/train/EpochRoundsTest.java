package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EpochRoundsTest {
    /** Examples per bucket (round x worker) of a plan, from every record of every partition. */
    private static int[] dealt(EpochRounds plan, long[] counts) {
        int[] perBucket = new int[plan.rounds() * plan.workers()];
        for (int p = 0; p < counts.length; p++) {
            for (long i = 0; i < counts[p]; i++) perBucket[plan.bucket(p, i)]++;
        }
        return perBucket;
    }

    @Test
    void roundsAndWorkersDifferByAtMostOneExampleAndNoWorkerGetsMoreThanItsShare() {
        long[] counts = {37, 3, 0, 61}; // 101 records in unequal partitions
        EpochRounds plan = EpochRounds.plan(counts, 3, 8, 7);
        assertEquals(5, plan.rounds(), "ceil(101 / (3 workers x 8))");
        int[] perBucket = dealt(plan, counts);
        assertEquals(101, Arrays.stream(perBucket).sum());
        int min = Arrays.stream(perBucket).min().getAsInt(),
                max = Arrays.stream(perBucket).max().getAsInt();
        assertTrue(max - min <= 1, "buckets " + Arrays.toString(perBucket));
        assertTrue(max <= 8, "a worker fits at most minibatch x averaging frequency examples per round");
        for (int r = 0; r < plan.rounds(); r++) {
            int inRound = 0;
            for (int w = 0; w < 3; w++) inRound += perBucket[r * 3 + w];
            assertEquals(plan.examplesIn(r), inRound);
        }
    }

    @Test
    void fewExamplesStillReachEveryWorker() {
        // 4 examples, 2 workers, 4 per worker: one round; DL4J's balanced repartition gave all 4 to one worker.
        EpochRounds plan = EpochRounds.plan(new long[] {4}, 2, 4, 1);
        assertEquals(1, plan.rounds());
        assertEquals(2, plan.busyWorkers());
        assertEquals(2, dealt(plan, new long[] {4})[0]);
        assertEquals(2, dealt(plan, new long[] {4})[1]);
        // One example per partition, in two partitions: still one each.
        assertEquals(1, dealt(EpochRounds.plan(new long[] {1, 1}, 2, 4, 9), new long[] {1, 1})[1]);
        assertEquals(1, EpochRounds.plan(new long[] {1}, 2, 4, 1).busyWorkers());
    }

    @Test
    void theSameSeedDealsTheSameWayAndAnotherSeedDealsAnotherWay() {
        long[] counts = {50, 50};
        EpochRounds a = EpochRounds.plan(counts, 2, 5, 3),
                b = EpochRounds.plan(counts, 2, 5, 3),
                c = EpochRounds.plan(counts, 2, 5, 4);
        boolean differs = false;
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 50; i++) {
                assertEquals(a.bucket(p, i), b.bucket(p, i));
                differs |= a.bucket(p, i) != c.bucket(p, i);
            }
        }
        assertTrue(differs, "a new epoch's seed deals the records anew");
    }

    @Test
    void aPartitionYieldingMoreRecordsThanCountedIsRefused() {
        EpochRounds plan = EpochRounds.plan(new long[] {2, 2}, 2, 2, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> plan.bucket(0, 2));
        assertTrue(e.getMessage().contains("partition 0"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
