package io.distill4j.train;

import java.util.Locale;

/**
 * Where a training run is, for its per-epoch console line: the time since it started (or resumed)
 * and an estimate of the time left, from the mean duration of the epochs this process trained.
 */
public final class EpochProgress {
    private final int firstEpoch;
    private final int lastEpoch;
    private final long startNanos;

    /** A run that trains epochs {@code firstEpoch..lastEpoch}, starting at {@code startNanos} (System.nanoTime). */
    public EpochProgress(int firstEpoch, int lastEpoch, long startNanos) {
        this.firstEpoch = firstEpoch;
        this.lastEpoch = lastEpoch;
        this.startNanos = startNanos;
    }

    /** "elapsed 1:05  ETA 2:10" after {@code epoch} finished at {@code nowNanos}; "elapsed 3:15" after the last. */
    public String after(int epoch, long nowNanos) {
        double elapsed = (nowNanos - startNanos) / 1e9;
        int done = epoch - firstEpoch + 1;
        int left = lastEpoch - epoch;
        String s = "elapsed " + clock(elapsed);
        return left <= 0 || done <= 0 ? s : s + "  ETA " + clock(elapsed / done * left);
    }

    /** Seconds as m:ss, or h:mm:ss from an hour on. */
    static String clock(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
