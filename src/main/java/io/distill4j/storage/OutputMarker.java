package io.distill4j.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code _distill4j_output.json}: proof that distill4j made a directory. A stage writes it into a
 * directory before anything else (into the temporary sibling of an atomic output, so committed
 * outputs carry it too), and only a directory carrying it may be deleted, replaced or resumed.
 *
 * <p>Outputs committed by versions that predate the marker are recognised by their
 * {@code _manifest.json} (a JSON object with distill4j's {@code stage} and
 * {@code distill4j_version} fields).
 */
public final class OutputMarker {
    public static final String FILE_NAME = "_distill4j_output.json";

    private OutputMarker() {}

    /** What a directory is, as far as deleting or replacing it goes. */
    public enum Kind {
        ABSENT,
        EMPTY,
        OURS,
        FOREIGN
    }

    /**
     * A snapshot of a directory: its kind and, for ours, the run that made it ("legacy" for
     * outputs of older versions). Two snapshots are equal when nobody replaced it in between.
     */
    public record State(Kind kind, String run) {
        public boolean exists() {
            return kind != Kind.ABSENT;
        }
    }

    /** Writes the marker of {@code run} into {@code dir} (created if needed). */
    public static void write(FileSystem fs, Path dir, StageRun run) {
        try {
            fs.mkdirs(dir);
            SmallFiles.replace(fs, new Path(dir, FILE_NAME), run.toJson());
        } catch (IOException e) {
            throw new StageOutputException(
                    "cannot write " + FILE_NAME + " into " + dir + " (is it writable?): " + e.getMessage(), e);
        }
    }

    /** The run recorded in a directory's marker. */
    public static Optional<StageRun> read(FileSystem fs, Path dir) {
        return SmallFiles.read(fs, new Path(dir, FILE_NAME)).flatMap(StageRun::parse);
    }

    public static State state(FileSystem fs, Path dir) {
        try {
            FileStatus st;
            try {
                st = fs.getFileStatus(dir);
            } catch (FileNotFoundException e) {
                return new State(Kind.ABSENT, null);
            }
            if (!st.isDirectory()) return new State(Kind.FOREIGN, null);
            Optional<byte[]> marker = SmallFiles.read(fs, new Path(dir, FILE_NAME));
            if (marker.isPresent())
                return new State(
                        Kind.OURS,
                        StageRun.parse(marker.get()).map(StageRun::run).orElse("unreadable"));
            if (isLegacyOutput(fs, dir)) return new State(Kind.OURS, "legacy");
            if (fs.listStatus(dir).length == 0) return new State(Kind.EMPTY, null);
            return new State(Kind.FOREIGN, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether distill4j provably made {@code dir} (marker, or an older version's manifest). */
    public static boolean isOurs(FileSystem fs, Path dir) {
        return state(fs, dir).kind() == Kind.OURS;
    }

    private static boolean isLegacyOutput(FileSystem fs, Path dir) {
        return SmallFiles.read(fs, new Path(dir, Manifest.FILE_NAME))
                .map(bytes -> {
                    try {
                        JsonNode n = Manifest.JSON.readTree(bytes);
                        return n != null && n.isObject() && n.hasNonNull("stage") && n.hasNonNull("distill4j_version");
                    } catch (IOException e) {
                        return false;
                    }
                })
                .orElse(false);
    }

    /**
     * The line that refuses to touch a directory distill4j did not make; {@code key} is the
     * configuration key naming it ("distill4j.…"), or a description of it.
     */
    public static String notOurs(Path dir, String key) {
        String remedy = !key.startsWith("distill4j.")
                ? "move those files away"
                : key.endsWith(".run-id")
                        ? "choose another " + key + ", or move those files away"
                        : "set " + key + " to a new directory, or move those files away";
        return "output " + dir + " (" + key + ") holds files distill4j did not write (no " + FILE_NAME
                + "); nothing was deleted: " + remedy;
    }
}
