package io.distill4j.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Removes what failed or killed runs left behind, and only that. Called while holding the
 * output's {@link OutputLock}, so no live run of this output is using them.
 *
 * <ul>
 *   <li>Siblings {@code .NAME.tmp-<uuid>} and {@code .NAME.old-<uuid>} of an atomic output that
 *       carry distill4j's {@link OutputMarker}, unless a live process of this host made them; one
 *       without the marker is not ours and is kept.</li>
 *   <li>Temporary files {@code .FILE.tmp-<uuid>} (model files, teacher-cache files) inside an
 *       output that is distill4j's own.</li>
 * </ul>
 */
public final class LeftoverTemps {
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern TEMP_FILE = Pattern.compile("\\..+\\.tmp-" + UUID);

    private LeftoverTemps() {}

    /** Deletes our stale temporary and moved-aside siblings of {@code target}; returns them. */
    public static List<Path> removeSiblings(FileSystem fs, Path target, Consumer<String> say) {
        Pattern mine = Pattern.compile(Pattern.quote("." + target.getName()) + "\\.(tmp|old)-" + UUID);
        List<Path> removed = new ArrayList<>();
        try {
            FileStatus[] siblings;
            try {
                siblings = fs.listStatus(target.getParent());
            } catch (FileNotFoundException e) {
                return removed;
            }
            for (FileStatus st : siblings) {
                if (!st.isDirectory() || !mine.matcher(st.getPath().getName()).matches()) continue;
                if (!OutputMarker.isOurs(fs, st.getPath()) || ofLiveProcessHere(fs, st.getPath())) continue;
                if (fs.delete(st.getPath(), true)) removed.add(st.getPath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up beside " + target + ": " + e.getMessage(), e);
        }
        report(removed, "beside " + target, say);
        return removed;
    }

    /**
     * A temp made by a process of this host that is still alive is kept even without the lock
     * (a lock lost on storage without create-if-absent): that process may still be writing it.
     */
    private static boolean ofLiveProcessHere(FileSystem fs, Path dir) {
        return OutputMarker.read(fs, dir)
                .map(r -> r.host().equals(StageRun.thisHost())
                        && ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false))
                .orElse(false);
    }

    /** Deletes {@code .FILE.tmp-<uuid>} files anywhere under {@code dir}, which must be ours. */
    public static List<Path> removeInside(FileSystem fs, Path dir, Consumer<String> say) {
        List<Path> removed = new ArrayList<>();
        try {
            if (!fs.exists(dir)) return removed;
            if (!OutputMarker.isOurs(fs, dir)) throw new IllegalStateException(dir + " is not a distill4j output");
            List<Path> found = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
            while (it.hasNext()) {
                Path p = it.next().getPath();
                if (TEMP_FILE.matcher(p.getName()).matches()) found.add(p);
            }
            for (Path p : found) if (fs.delete(p, false)) removed.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up inside " + dir + ": " + e.getMessage(), e);
        }
        report(removed, "in " + dir, say);
        return removed;
    }

    private static void report(List<Path> removed, String where, Consumer<String> say) {
        if (removed.isEmpty()) return;
        List<String> names = removed.stream().map(Path::getName).toList();
        say.accept("removed " + removed.size() + " leftover(s) of failed or killed runs " + where + ": "
                + String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", ..." : ""));
    }
}
