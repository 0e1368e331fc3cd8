package io.distill4j.cli;

import io.distill4j.storage.Storage;
import java.io.File;
import java.util.OptionalLong;
import org.apache.hadoop.fs.Path;

/**
 * A full disk as the user needs to hear it. The JVM reports ENOSPC as a bare
 * {@code IOException: No space left on device}, often from inside a Spark task, naming no file;
 * the stage knows what it was writing and which key moves it.
 */
final class DiskFull {
    /** The operating system's text for ENOSPC (Linux, macOS). */
    static final String ENOSPC = "No space left on device";
    /** Below this the output's own file system is taken to be the full one. */
    static final long NEARLY_FULL = 64L << 20;

    private DiskFull() {}

    /** True when ENOSPC is anywhere in the chain (Spark copies a task's exception text into its own message). */
    static boolean causes(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(ENOSPC)) return true;
            for (Throwable s : c.getSuppressed()) if (causes(s)) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    /** The error line's text for a stage writing {@code location} (set by {@code key}). */
    static String describe(String location, String key) {
        OptionalLong free = usableBytes(location);
        if (free.isPresent() && free.getAsLong() >= NEARLY_FULL) {
            return "no space left on device, though the file system of the output " + location + " (" + key + ") has "
                    + megabytes(free.getAsLong())
                    + " free: the full one is Spark's scratch space (spark.local.dir, set it "
                    + "under spark.conf) or java.io.tmpdir; committed outputs are unchanged";
        }
        return "no space left on device writing the output " + location + " (" + key + ")"
                + (free.isPresent() ? ": its file system has " + megabytes(free.getAsLong()) + " free" : "")
                + "; free space there or set " + key + " elsewhere, then rerun; committed outputs are unchanged";
    }

    /** Free bytes of a local location's file system (its nearest existing ancestor); empty for remote stores. */
    static OptionalLong usableBytes(String location) {
        Path p = Storage.path(location);
        if (!"file".equals(p.toUri().getScheme())) return OptionalLong.empty();
        for (File f = new File(p.toUri().getPath()); f != null; f = f.getParentFile()) {
            if (f.exists()) return OptionalLong.of(f.getUsableSpace());
        }
        return OptionalLong.empty();
    }

    private static String megabytes(long bytes) {
        return bytes < (1L << 20) ? bytes + " bytes" : String.format("%.1f MB", bytes / 1048576.0);
    }
}
