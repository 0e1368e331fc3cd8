package io.distill4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.CacheFormatException;
import io.distill4j.cache.ModelFiles;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.OwnedDirectory;
import io.distill4j.storage.StageOutputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A training run's directory: {@code checkpoints/epoch-NNNN.zip} (network + updater state after
 * each epoch), {@code metrics.jsonl}, {@code config.conf} (credentials redacted), the exported
 * model, and {@code _manifest.json} written last. A directory without the manifest is an
 * interrupted run: training resumes from its newest checkpoint.
 */
public final class RunDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHECKPOINT = Pattern.compile("epoch-(\\d{4})\\.zip");
    private final FileSystem fs;
    private final Path dir;
    private final OwnedDirectory owned;

    /** A run directory this process does not hold a claim on (reading, tests). */
    public RunDirectory(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
        this.owned = null;
    }

    /** The run directory a stage claimed (locked, distill4j's own) and writes. */
    public RunDirectory(OwnedDirectory owned) {
        this.fs = owned.fs();
        this.dir = owned.path();
        this.owned = owned;
    }

    public Path path() {
        return dir;
    }

    public Path file(String name) {
        return new Path(dir, name);
    }

    public boolean isComplete() {
        try {
            return Manifest.exists(fs, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Empties the run (used when the user asks to start over). Only a claimed directory, or one
     * that is absent or empty, is touched: anything else may be a user's.
     */
    public void clear() {
        if (owned != null) {
            owned.clear();
            return;
        }
        try {
            if (fs.exists(dir) && fs.listStatus(dir).length > 0) {
                throw new StageOutputException("refusing to clear " + dir + ": it is not claimed by this run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + dir, e);
        }
    }

    /** A completed epoch's checkpoint. */
    public record Checkpoint(int epoch, Path file) {}

    public Optional<Checkpoint> latestCheckpoint() {
        return checkpoints().stream().findFirst();
    }

    /** Every checkpoint of the run, newest first. */
    public List<Checkpoint> checkpoints() {
        Path cdir = new Path(dir, "checkpoints");
        try {
            List<Checkpoint> found = new ArrayList<>();
            if (!fs.exists(cdir)) return found;
            for (FileStatus st : fs.listStatus(cdir)) {
                Matcher m = CHECKPOINT.matcher(st.getPath().getName());
                if (m.matches()) found.add(new Checkpoint(Integer.parseInt(m.group(1)), st.getPath()));
            }
            found.sort(Comparator.comparingInt(Checkpoint::epoch).reversed());
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + cdir, e);
        }
    }

    /**
     * What resuming found: the newest checkpoint {@code read} could load (empty when none could),
     * and the newer ones it could not, each moved aside to {@code NAME.unreadable}.
     */
    public record Resumable<T>(Optional<Checkpoint> checkpoint, Optional<T> loaded, List<String> unreadable) {
        /** The one line that says what resuming did ({@code label} prefixes it, {@code epochs} is the run's length). */
        public String describe(String label, int epochs) {
            String skipped = unreadable.isEmpty()
                    ? ""
                    : unreadable.size() == 1
                            ? "the newer checkpoint " + unreadable.get(0)
                                    + " is unreadable (truncated?) and was moved aside to " + unreadable.get(0)
                                    + ".unreadable"
                            : "the newer checkpoints " + String.join(", ", unreadable)
                                    + " are unreadable (truncated?) and were moved " + "aside to NAME.unreadable";
            if (checkpoint.isEmpty()) {
                return "[" + label + "] no readable checkpoint: " + skipped + "; training starts over from epoch 1";
            }
            Checkpoint c = checkpoint.get();
            return "[" + label + "] resuming from " + c.file() + " (epoch " + c.epoch() + " of " + epochs + " done)"
                    + (skipped.isEmpty() ? "" : ": " + skipped);
        }
    }

    /**
     * Finds the newest checkpoint that loads. A checkpoint cut short (a full disk, a copy that
     * stopped) would otherwise block every resume; it is moved aside, not deleted, so nothing the
     * user might want to inspect is lost, and its epoch is trained again.
     */
    public <T> Resumable<T> newestReadable(Function<Path, T> read) {
        List<String> unreadable = new ArrayList<>();
        for (Checkpoint c : checkpoints()) {
            try {
                T loaded = read.apply(c.file());
                return new Resumable<>(Optional.of(c), Optional.of(loaded), unreadable);
            } catch (CacheFormatException e) {
                unreadable.add(c.file().getName());
                Path aside = new Path(c.file().getParent(), c.file().getName() + ".unreadable");
                try {
                    if (fs.exists(aside)) fs.delete(aside, false);
                    if (!fs.rename(c.file(), aside)) throw new IOException("rename to " + aside + " failed");
                } catch (IOException io) {
                    throw new UncheckedIOException(
                            "checkpoint " + c.file() + " is unreadable and cannot be moved aside (" + io.getMessage()
                                    + "): delete it to resume from the one before it",
                            io);
                }
            }
        }
        return new Resumable<>(Optional.empty(), Optional.empty(), unreadable);
    }

    public void saveCheckpoint(int epoch, ComputationGraph net) {
        ModelFiles.write(fs, new Path(new Path(dir, "checkpoints"), String.format("epoch-%04d.zip", epoch)), net, true);
    }

    /**
     * Removes all but the {@code keep} newest checkpoints (0 keeps every one) and returns what it
     * removed. Called right after a checkpoint is written whole (written aside, then renamed), so
     * the newest readable checkpoint is always among those kept; best.zip, the exported model and
     * checkpoints moved aside as unreadable are not checkpoints and are never touched.
     */
    public List<Path> pruneCheckpoints(int keep) {
        List<Path> removed = new ArrayList<>();
        for (Checkpoint c : expired(checkpoints(), keep)) {
            try {
                if (fs.delete(c.file(), false)) removed.add(c.file());
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot remove the old checkpoint " + c.file() + " (train.keep-checkpoints = " + keep + "): "
                                + e.getMessage(),
                        e);
            }
        }
        return removed;
    }

    /** The checkpoints beyond the {@code keep} newest, of a list ordered newest first; none when keep is 0. */
    static List<Checkpoint> expired(List<Checkpoint> newestFirst, int keep) {
        if (keep <= 0 || newestFirst.size() <= keep) return List.of();
        return newestFirst.subList(keep, newestFirst.size());
    }

    /**
     * Appends an epoch's per-iteration lines and its summary line, dropping lines of epochs at or
     * after it (left by an interrupted run).
     */
    public void appendMetrics(List<String> iterationLines, ObjectNode epochLine) {
        int epoch = epochLine.path("epoch").asInt();
        List<String> kept = new ArrayList<>();
        for (String l : readLines("metrics.jsonl")) {
            try {
                if (JSON.readTree(l).path("epoch").asInt() < epoch) kept.add(l);
            } catch (IOException e) {
                // a torn last line of an interrupted write: drop it
            }
        }
        kept.addAll(iterationLines);
        try {
            kept.add(JSON.writeValueAsString(epochLine));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeText("metrics.jsonl", String.join("\n", kept) + "\n");
    }

    /** The per-epoch summary lines. */
    public List<JsonNode> metrics() {
        List<JsonNode> out = new ArrayList<>();
        for (String l : readLines("metrics.jsonl")) {
            try {
                JsonNode n = JSON.readTree(l);
                if (n.path("kind").asText("epoch").equals("epoch")) out.add(n);
            } catch (IOException ignored) {
                // torn line
            }
        }
        return out;
    }

    public void writeText(String name, String text) {
        io.distill4j.storage.Storage.writeText(fs, new Path(dir, name), text);
    }

    private List<String> readLines(String name) {
        Path f = new Path(dir, name);
        List<String> lines = new ArrayList<>();
        try {
            if (!fs.exists(f)) return lines;
            try (FSDataInputStream in = fs.open(f);
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) if (!l.isBlank()) lines.add(l);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        return lines;
    }

    /** Writes the manifest last, after checking this run still holds the directory. */
    public void complete(ObjectNode manifest) {
        if (owned != null) owned.verifyStillOwned();
        Manifest.write(fs, dir, manifest);
    }
}
