package io.distill4j.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A reader's claim on another stage's output: {@code .NAME.readers/<run id>.json} beside it, with
 * a heartbeat. While a live lease exists, {@code --overwrite} of that output (or starting its run
 * over) is refused, so a stage never deletes an output another stage is reading. A lease whose
 * holder is dead (as for {@link OutputLock}) is ignored and removed by the next writer.
 */
public final class ReaderLease implements AutoCloseable {
    private final FileSystem fs;
    private final Path file;
    private final StageRun reader;
    private final ScheduledFuture<?> heartbeat;
    private volatile boolean released;

    private ReaderLease(FileSystem fs, Path file, StageRun reader) {
        this.fs = fs;
        this.file = file;
        this.reader = reader;
        this.heartbeat = Heartbeats.every(this::beat);
    }

    public static Path leaseDir(Path output) {
        return new Path(output.getParent(), "." + output.getName() + ".readers");
    }

    /**
     * Registers {@code stage} as a reader of {@code input}. Where the lease cannot be written (a
     * read-only location) the stage still runs; {@code warn} says that an overwrite will not see it.
     */
    public static Optional<ReaderLease> register(FileSystem fs, Path input, String stage, Consumer<String> warn) {
        StageRun me = StageRun.start(stage);
        Path file = new Path(leaseDir(input), me.run() + ".json");
        try {
            try {
                SmallFiles.createNew(fs, file, me.toJson());
            } catch (java.nio.file.NoSuchFileException e) {
                // the lease directory was removed by the last reader leaving just now
                SmallFiles.createNew(fs, file, me.toJson());
            }
            return Optional.of(new ReaderLease(fs, file, me));
        } catch (IOException | RuntimeException e) {
            warn.accept("cannot register as a reader of " + input + " (" + e.getMessage()
                    + "); an --overwrite of it will not wait for this run");
            return Optional.empty();
        }
    }

    /** The live readers of {@code output}; stale leases are deleted on the way. */
    public static List<StageRun> liveReaders(FileSystem fs, Path output) {
        Path dir = leaseDir(output);
        List<StageRun> live = new ArrayList<>();
        try {
            FileStatus[] leases;
            try {
                leases = fs.listStatus(dir);
            } catch (FileNotFoundException e) {
                return live;
            }
            Instant now = Instant.now();
            for (FileStatus st : leases) {
                if (!st.getPath().getName().endsWith(".json")) continue;
                Optional<StageRun> r = SmallFiles.read(fs, st.getPath()).flatMap(StageRun::parse);
                if (r.isPresent() && !r.get().isStale(now, Heartbeats.STALE_AFTER)) {
                    live.add(r.get());
                } else if (r.isPresent()
                        || now.toEpochMilli() - st.getModificationTime() > Heartbeats.STALE_AFTER.toMillis()) {
                    SmallFiles.delete(fs, st.getPath());
                }
            }
            return live;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot list the readers of " + output + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Refuses to replace or delete {@code output} while a live stage reads it. */
    public static void requireNoLiveReaders(FileSystem fs, Path output, String action) {
        List<StageRun> readers = liveReaders(fs, output);
        if (!readers.isEmpty()) {
            throw new StageOutputException("cannot " + action + " " + output + ": it is being read by "
                    + readers.get(0).describe(Instant.now())
                    + (readers.size() > 1 ? " and " + (readers.size() - 1) + " more" : "")
                    + "; retry when that run has finished");
        }
    }

    public StageRun reader() {
        return reader;
    }

    // synchronized with close(): a beat running while the lease is released must not write it back.
    private synchronized void beat() {
        if (released) return;
        try {
            SmallFiles.replace(fs, file, reader.beating(Instant.now()).toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (released) return;
        released = true;
        heartbeat.cancel(false);
        try {
            SmallFiles.delete(fs, file);
            Path dir = file.getParent();
            FileStatus[] left = fs.listStatus(dir);
            if (left.length == 0) fs.delete(dir, false);
        } catch (IOException e) {
            // A lease left behind goes stale with this process and is removed by the next writer.
        }
    }
}
