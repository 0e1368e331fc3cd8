package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EpochProgressTest {
    private static final long S = 1_000_000_000L;

    @Test
    void etaIsTheMeanEpochTimesTheEpochsLeft() {
        EpochProgress p = new EpochProgress(1, 10, 100 * S);
        assertEquals("elapsed 0:20  ETA 3:00", p.after(1, 120 * S));
        assertEquals("elapsed 1:00  ETA 1:00", p.after(5, 160 * S));
        assertEquals("elapsed 2:05", p.after(10, 225 * S), "nothing left after the last epoch");
    }

    @Test
    void aResumedRunCountsOnlyTheEpochsItTrained() {
        EpochProgress p = new EpochProgress(7, 10, 0);
        assertEquals("elapsed 0:30  ETA 1:30", p.after(7, 30 * S));
    }

    @Test
    void hoursGetTheirOwnField() {
        assertEquals("1:01:01", EpochProgress.clock(3661));
        assertEquals("0:00", EpochProgress.clock(-1));
    }
}
