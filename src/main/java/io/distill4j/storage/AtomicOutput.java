package io.distill4j.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a stage output so that readers only ever see a complete one, and never destroys what
 * distill4j did not write.
 *
 * <p>{@link #begin} takes the output's {@link OutputLock}, removes stale temporary siblings of
 * killed runs ({@link LeftoverTemps}), and creates a temporary sibling ({@code .NAME.tmp-<uuid>})
 * whose first file is distill4j's {@link OutputMarker}. {@link #commit} writes
 * {@code _manifest.json} last, checks that the lock is still this run's and that the target is
 * still what {@code begin} saw, then renames the sibling into place. On HDFS and local disks the
 * rename is atomic. On S3 a rename is a copy, so there the manifest is the commit marker: a
 * directory without it is incomplete and is replaced by the next run.
 *
 * <p>An existing directory is replaced only when it is ours (it carries the marker); a user's
 * folder is refused even with {@code overwrite}. An existing complete output is refused unless
 * {@code overwrite} is set, and while a live {@link ReaderLease} exists on it. The old output is
 * moved aside and deleted only after the new one is in place, so a crash never leaves the user
 * with neither.
 */
public final class AtomicOutput {
    private final FileSystem fs;
    private final Path target;
    private final Path temp;
    private final OutputLock lock;
    private final OutputMarker.State seen;
    // Set by commit and abort: an abort after either must not touch what the first one left.
    private boolean finished;

    private AtomicOutput(FileSystem fs, Path target, Path temp, OutputLock lock, OutputMarker.State seen) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
        this.lock = lock;
        this.seen = seen;
    }

    /** As {@link #begin(FileSystem, Path, boolean, String, String, Consumer)} for an unnamed stage. */
    public static AtomicOutput begin(FileSystem fs, Path target, boolean overwrite) {
        PrintStream out = System.out;
        return begin(fs, target, overwrite, "distill4j", "the output", out::println);
    }

    /**
     * Locks {@code target} and prepares a temporary sibling of it.
     *
     * @param stage the stage writing (recorded in the lock and the marker)
     * @param key   the configuration key naming {@code target}, for error lines
     * @param say   where one-line notes go (a dead run's lock taken over, leftovers removed)
     * @throws StageOutputException when the target is not ours, is complete and {@code overwrite}
     *                              is false, is being read, or is being written by another run
     */
    public static AtomicOutput begin(
            FileSystem fs, Path target, boolean overwrite, String stage, String key, Consumer<String> say) {
        Path parent = target.getParent();
        try {
            if (parent != null && !fs.exists(parent) && !fs.mkdirs(parent)) {
                throw new StageOutputException("cannot write output " + target + ": cannot create directory " + parent
                        + " (is its parent writable?)");
            }
        } catch (IOException e) {
            throw new StageOutputException("cannot prepare output " + target + ": " + e.getMessage(), e);
        }
        // Refuse a user's folder before leaving any trace (a lock file) beside it.
        if (OutputMarker.state(fs, target).kind() == OutputMarker.Kind.FOREIGN) {
            throw new StageOutputException(OutputMarker.notOurs(target, key));
        }
        OutputLock lock = OutputLock.acquire(fs, target, stage, say);
        try {
            OutputMarker.State seen = OutputMarker.state(fs, target);
            if (seen.kind() == OutputMarker.Kind.FOREIGN)
                throw new StageOutputException(OutputMarker.notOurs(target, key));
            if (seen.kind() == OutputMarker.Kind.OURS && Manifest.exists(fs, target)) {
                if (!overwrite) {
                    throw new StageOutputException("output " + target + " already exists; pass --overwrite "
                            + "(or overwrite=true) to replace it");
                }
                ReaderLease.requireNoLiveReaders(fs, target, "replace");
            }
            LeftoverTemps.removeSiblings(fs, target, say);
            Path temp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
            if (!fs.mkdirs(temp)) {
                throw new StageOutputException("cannot write output " + target + ": cannot create " + temp.getName()
                        + " in " + parent + " (is it writable?)");
            }
            OutputMarker.write(fs, temp, lock.holder());
            return new AtomicOutput(fs, target, temp, lock, seen);
        } catch (IOException e) {
            lock.close();
            throw new StageOutputException("cannot prepare output " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Where the stage writes its files before the commit. */
    public Path tempDir() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /** The run writing this output (its id is in the lock and the marker). */
    public StageRun run() {
        return lock.holder();
    }

    /**
     * Writes the manifest into the temporary directory and moves it into place, after checking
     * that no other run committed or took the lock meanwhile; if one did, this run's result is
     * discarded and the other's output is left as it is.
     */
    public void commit(JsonNode manifest) {
        if (finished) throw new IllegalStateException("output " + target + " was already committed or aborted");
        finished = true;
        try {
            Manifest.write(fs, temp, manifest);
            lock.verifyHeld();
            OutputMarker.State now = OutputMarker.state(fs, target);
            if (!now.equals(seen)) {
                throw new StageOutputException(
                        "output " + target + " changed while this run wrote it (another run committed "
                                + (now.run() == null ? "or removed it" : "run " + now.run())
                                + "); this run's result is discarded");
            }
            Path old = null;
            if (now.exists()) {
                ReaderLease.requireNoLiveReaders(fs, target, "replace");
                old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
                if (!fs.rename(target, old)) throw new StageOutputException("cannot move aside " + target);
            }
            if (!fs.rename(temp, target)) {
                if (old != null) fs.rename(old, target);
                throw new StageOutputException("cannot rename " + temp + " to " + target);
            }
            if (old != null) fs.delete(old, true);
        } catch (IOException e) {
            deleteTemp();
            throw new StageOutputException("cannot commit " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteTemp();
            throw e;
        } finally {
            lock.close();
        }
    }

    /**
     * Removes the temporary directory after a failure; the previous output stays untouched. Does
     * nothing once this output was committed or aborted.
     */
    public void abort() {
        if (finished) return;
        finished = true;
        try {
            deleteTemp();
        } finally {
            lock.close();
        }
    }

    private void deleteTemp() {
        try {
            fs.delete(temp, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + temp, e);
        }
    }
}
