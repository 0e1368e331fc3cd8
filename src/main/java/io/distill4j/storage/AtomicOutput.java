package io.distill4j.storage;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * Writes a stage output so that readers only ever see a complete one.
 *
 * <p>Everything goes to a temporary sibling ({@code .NAME.tmp-<uuid>}); {@link #commit} writes
 * {@code _manifest.json} last, then renames the sibling into place. On HDFS and local disks the
 * rename is atomic. On S3 a rename is a copy, so there the manifest is the commit marker: a
 * directory without it is incomplete, and {@link #begin} removes it before writing again.
 * An existing complete output is refused unless {@code overwrite} is set; when it is, the old
 * output is moved aside and deleted only after the new one is in place, so a crash never leaves
 * the user with neither.
 */
public final class AtomicOutput {
    private final FileSystem fs;
    private final Path target;
    private final Path temp;

    private AtomicOutput(FileSystem fs, Path target, Path temp) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
    }

    /**
     * Prepares a temporary sibling of {@code target}.
     *
     * @throws StageOutputException when a complete output exists and {@code overwrite} is false
     */
    public static AtomicOutput begin(FileSystem fs, Path target, boolean overwrite) {
        try {
            if (fs.exists(target)) {
                if (Manifest.exists(fs, target) && !overwrite) {
                    throw new StageOutputException("output " + target + " already exists; pass --overwrite "
                            + "(or overwrite=true) to replace it");
                }
                if (!Manifest.exists(fs, target)) {
                    // An incomplete output of an interrupted run: it holds nothing worth keeping.
                    fs.delete(target, true);
                }
            }
            Path parent = target.getParent();
            if (parent != null && !fs.exists(parent) && !fs.mkdirs(parent)) {
                throw new StageOutputException("cannot write output " + target + ": cannot create directory " + parent
                        + " (is its parent writable?)");
            }
            Path temp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
            if (!fs.mkdirs(temp)) {
                throw new StageOutputException("cannot write output " + target + ": cannot create " + temp.getName() + " in "
                        + parent + " (is it writable?)");
            }
            return new AtomicOutput(fs, target, temp);
        } catch (IOException e) {
            throw new StageOutputException("cannot prepare output " + target + ": " + e.getMessage(), e);
        }
    }

    /** Where the stage writes its files before the commit. */
    public Path tempDir() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /** Writes the manifest into the temporary directory and moves it into place. */
    public void commit(JsonNode manifest) {
        Manifest.write(fs, temp, manifest);
        try {
            Path old = null;
            if (fs.exists(target)) {
                old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
                if (!fs.rename(target, old)) throw new StageOutputException("cannot move aside " + target);
            }
            if (!fs.rename(temp, target)) {
                if (old != null) fs.rename(old, target);
                throw new StageOutputException("cannot rename " + temp + " to " + target);
            }
            if (old != null) fs.delete(old, true);
        } catch (IOException e) {
            throw new StageOutputException("cannot commit " + target + ": " + e.getMessage(), e);
        }
    }

    /** Removes the temporary directory after a failure; the previous output stays untouched. */
    public void abort() {
        try {
            fs.delete(temp, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + temp, e);
        }
    }
}
