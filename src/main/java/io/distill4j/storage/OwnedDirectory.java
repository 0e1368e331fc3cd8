package io.distill4j.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output a stage writes in place and resumes (a training run directory, a teacher cache, a
 * report), claimed for one run: locked against concurrent runs, and used only when it is absent,
 * empty or distill4j's own (carries the {@link OutputMarker}). A user's folder is refused before
 * anything is written; leftover temporary files of killed runs inside it are removed.
 */
public final class OwnedDirectory implements AutoCloseable {
    private final FileSystem fs;
    private final Path dir;
    private final String key;
    private final OutputLock lock;

    private OwnedDirectory(FileSystem fs, Path dir, String key, OutputLock lock) {
        this.fs = fs;
        this.dir = dir;
        this.key = key;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} for a run of {@code stage} and makes sure it carries the marker.
     *
     * @param key         the configuration key naming {@code dir}, for error lines
     * @param legacyFile  a file that marks the directory as written by a distill4j version older
     *                    than the marker (adopted then), or null
     * @param say         where one-line notes go (lock takeover, leftovers removed)
     */
    public static OwnedDirectory claim(
            FileSystem fs, Path dir, String stage, String key, String legacyFile, Consumer<String> say) {
        if (!usable(fs, dir, legacyFile)) throw new StageOutputException(OutputMarker.notOurs(dir, key));
        try {
            Path parent = dir.getParent();
            if (parent != null && !fs.exists(parent) && !fs.mkdirs(parent)) {
                throw new StageOutputException("cannot write output " + dir + ": cannot create directory " + parent
                        + " (is its parent writable?)");
            }
        } catch (IOException e) {
            throw new StageOutputException("cannot prepare output " + dir + ": " + e.getMessage(), e);
        }
        OutputLock lock = OutputLock.acquire(fs, dir, stage, say);
        try {
            OutputMarker.State state = OutputMarker.state(fs, dir);
            if (state.kind() == OutputMarker.Kind.OURS) {
                if (OutputMarker.read(fs, dir).isEmpty()) OutputMarker.write(fs, dir, lock.holder());
                LeftoverTemps.removeInside(fs, dir, say);
            } else if (usable(fs, dir, legacyFile)) {
                OutputMarker.write(fs, dir, lock.holder());
            } else {
                throw new StageOutputException(OutputMarker.notOurs(dir, key));
            }
            return new OwnedDirectory(fs, dir, key, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static boolean usable(FileSystem fs, Path dir, String legacyFile) {
        OutputMarker.State s = OutputMarker.state(fs, dir);
        if (s.kind() != OutputMarker.Kind.FOREIGN) return true;
        try {
            return legacyFile != null && fs.getFileStatus(dir).isDirectory() && fs.exists(new Path(dir, legacyFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return dir;
    }

    public FileSystem fs() {
        return fs;
    }

    /**
     * Empties the directory to start over (overwrite, or a run that does not resume), unless a
     * live stage reads it. The marker stays.
     */
    public void clear() {
        lock.verifyHeld();
        ReaderLease.requireNoLiveReaders(fs, dir, "start over in");
        try {
            for (FileStatus st : fs.listStatus(dir)) {
                if (!st.getPath().getName().equals(OutputMarker.FILE_NAME)) fs.delete(st.getPath(), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Before the manifest is written: fails unless this run still holds the output. */
    public void verifyStillOwned() {
        lock.verifyHeld();
        if (!OutputMarker.isOurs(fs, dir)) {
            throw new StageOutputException("output " + dir + " (" + key + ") lost its " + OutputMarker.FILE_NAME
                    + " while this run wrote it (removed by hand?); this run's result is discarded");
        }
    }

    @Override
    public void close() {
        lock.close();
    }
}
