package io.distill4j.storage;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that refreshes the heartbeats of the locks and reader leases this process
 * holds. A holder silent for longer than {@link #STALE_AFTER} is taken for dead by other runs.
 */
public final class Heartbeats {
    /** How often a live holder rewrites its heartbeat. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);
    /** Silence after which a lock or lease of another host counts as stale (12 missed heartbeats). */
    public static final Duration STALE_AFTER = Duration.ofMinutes(2);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "distill4j-heartbeats");
        t.setDaemon(true);
        return t;
    });

    private Heartbeats() {}

    /** Runs {@code beat} every {@link #INTERVAL} until the returned handle is cancelled. */
    static ScheduledFuture<?> every(Runnable beat) {
        long ms = INTERVAL.toMillis();
        return TIMER.scheduleWithFixedDelay(
                () -> {
                    try {
                        beat.run();
                    } catch (RuntimeException e) {
                        // a missed heartbeat (e.g. a storage hiccup) is retried at the next tick
                    }
                },
                ms,
                ms,
                TimeUnit.MILLISECONDS);
    }
}
