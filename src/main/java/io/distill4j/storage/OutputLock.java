package io.distill4j.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code .NAME.lock} beside an output: at most one run writes an output at a time.
 *
 * <p>The lock is created with create-if-absent and holds its {@link StageRun} (run id, stage,
 * host, pid, start time, heartbeat). A second run finds it and stops with one line naming the
 * output and the holder. A lock whose holder is dead (same host and a pid that no longer exists,
 * or no heartbeat for {@link Heartbeats#STALE_AFTER}) is moved aside under a unique name and
 * taken over, saying so; moving it is atomic on local disks and HDFS, so of two runs taking over
 * one stale lock only one succeeds. The holder refreshes its heartbeat every
 * {@link Heartbeats#INTERVAL} and checks at each beat, and before it commits, that the lock is
 * still its own ({@link #verifyHeld}).
 */
public final class OutputLock implements AutoCloseable {
    private final FileSystem fs;
    private final Path output;
    private final Path file;
    private final StageRun holder;
    private final ScheduledFuture<?> heartbeat;
    private volatile StageRun lostTo;
    private volatile boolean released;

    private OutputLock(FileSystem fs, Path output, Path file, StageRun holder) {
        this.fs = fs;
        this.output = output;
        this.file = file;
        this.holder = holder;
        this.heartbeat = Heartbeats.every(this::beat);
    }

    /** Where the lock of {@code output} lives: a hidden sibling. */
    public static Path lockFile(Path output) {
        return new Path(output.getParent(), "." + output.getName() + ".lock");
    }

    /**
     * Takes the lock of {@code output} for a new run of {@code stage}.
     *
     * @param say where a takeover of a dead run's lock is reported (one line)
     * @throws StageOutputException naming the output and the live holder when another run has it
     */
    public static OutputLock acquire(FileSystem fs, Path output, String stage, Consumer<String> say) {
        Path file = lockFile(output);
        StageRun me = StageRun.start(stage);
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                if (SmallFiles.createNew(fs, file, me.toJson())) {
                    // S3A's create-if-absent is a HEAD then a PUT: read back to see whose PUT landed.
                    Optional<StageRun> now = current(fs, file);
                    if (now.isPresent() && !now.get().run().equals(me.run())) throw held(output, now.get());
                    return new OutputLock(fs, output, file, me);
                }
                Optional<StageRun> other = current(fs, file);
                Instant now = Instant.now();
                if (other.isEmpty()) {
                    // Torn (being written right now) or empty (a run died while creating it): judge by its age.
                    long modified = SmallFiles.modified(fs, file);
                    if (modified < 0) continue;
                    if (now.toEpochMilli() - modified <= Heartbeats.STALE_AFTER.toMillis()) {
                        throw new StageOutputException("output " + output + " is locked by another run (" + file
                                + " is being written); wait for it to finish");
                    }
                    if (takeOver(fs, file, null))
                        say.accept("output " + output + ": removed an unreadable lock " + file
                                + " untouched for more than " + Heartbeats.STALE_AFTER.toMinutes() + " min");
                    continue;
                }
                if (!other.get().isStale(now, Heartbeats.STALE_AFTER)) throw held(output, other.get());
                if (takeOver(fs, file, other.get())) {
                    say.accept("output " + output + ": taking over the lock of a dead run ("
                            + other.get().describe(now) + ")");
                }
            }
            throw new StageOutputException(
                    "output " + output + ": could not take its lock " + file + " (other runs kept taking it); retry");
        } catch (IOException e) {
            throw new StageOutputException(
                    "cannot write output " + output + ": cannot create " + file.getName() + " in " + output.getParent()
                            + " (is it writable?)",
                    e);
        }
    }

    private static StageOutputException held(Path output, StageRun other) {
        return new StageOutputException("output " + output + " is being written by another run: "
                + other.describe(Instant.now())
                + "; wait for it to finish (a dead run's lock is taken over after " + Heartbeats.STALE_AFTER.toMinutes()
                + " min without heartbeat)");
    }

    /**
     * Moves a stale lock aside and deletes it when it is still the one judged stale; a lock that
     * changed meanwhile (a new holder) is put back.
     */
    private static boolean takeOver(FileSystem fs, Path file, StageRun judged) throws IOException {
        Path aside = new Path(file.getParent(), file.getName() + ".stale-" + UUID.randomUUID());
        if (!SmallFiles.move(fs, file, aside)) return false;
        Optional<StageRun> moved = current(fs, aside);
        boolean same = judged == null
                ? moved.isEmpty()
                : moved.isPresent()
                        && moved.get().run().equals(judged.run())
                        && moved.get().heartbeat().equals(judged.heartbeat());
        if (same || !SmallFiles.createNew(fs, file, SmallFiles.read(fs, aside).orElse(new byte[0]))) {
            SmallFiles.delete(fs, aside);
            return same;
        }
        SmallFiles.delete(fs, aside);
        return false;
    }

    /** The holder recorded in a lock file, if it exists and is readable. */
    static Optional<StageRun> current(FileSystem fs, Path file) {
        return SmallFiles.read(fs, file).flatMap(StageRun::parse);
    }

    /** The live holder of {@code output}'s lock, if any (for messages and tests). */
    public static Optional<StageRun> holderOf(FileSystem fs, Path output) {
        return current(fs, lockFile(output)).filter(h -> !h.isStale(Instant.now(), Heartbeats.STALE_AFTER));
    }

    public StageRun holder() {
        return holder;
    }

    public Path file() {
        return file;
    }

    // synchronized with close(): a beat running while the lock is released must not write it back.
    private synchronized void beat() {
        if (released || lostTo != null) return;
        Optional<StageRun> now = current(fs, file);
        if (now.isPresent() && !now.get().run().equals(holder.run())) {
            lostTo = now.get();
            return;
        }
        try {
            SmallFiles.replace(fs, file, holder.beating(Instant.now()).toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails unless the lock still names this run: another run that took it over (after this one
     * stalled past the stale bound) owns the output now, and this run must not commit.
     */
    public void verifyHeld() {
        Optional<StageRun> now = current(fs, file);
        StageRun other = lostTo != null
                ? lostTo
                : now.filter(h -> !h.run().equals(holder.run())).orElse(null);
        if (other != null) {
            throw new StageOutputException(
                    "output " + output + " was taken over by another run while this one wrote it ("
                            + other.describe(Instant.now()) + "); this run's result is discarded");
        }
        if (now.isEmpty()) {
            throw new StageOutputException("output " + output + ": this run's lock " + file
                    + " disappeared while it wrote the output (removed by hand?); this run's result is discarded");
        }
    }

    /** Stops the heartbeat and deletes the lock if it is still this run's. */
    @Override
    public synchronized void close() {
        if (released) return;
        released = true;
        heartbeat.cancel(false);
        try {
            if (current(fs, file).map(h -> h.run().equals(holder.run())).orElse(false)) SmallFiles.delete(fs, file);
        } catch (IOException | UncheckedIOException e) {
            // Left behind, the lock goes stale with this process and is taken over by the next run.
        }
    }
}
