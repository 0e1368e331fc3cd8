package io.distill4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.ModelFiles;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.OwnedDirectory;
import io.distill4j.storage.StageOutputException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        Path cdir = new Path(dir, "checkpoints");
        try {
            if (!fs.exists(cdir)) return Optional.empty();
            Checkpoint best = null;
            for (FileStatus st : fs.listStatus(cdir)) {
                Matcher m = CHECKPOINT.matcher(st.getPath().getName());
                if (m.matches()) {
                    int e = Integer.parseInt(m.group(1));
                    if (best == null || e > best.epoch) best = new Checkpoint(e, st.getPath());
                }
            }
            return Optional.ofNullable(best);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + cdir, e);
        }
    }

    public void saveCheckpoint(int epoch, ComputationGraph net) {
        ModelFiles.write(fs, new Path(new Path(dir, "checkpoints"), String.format("epoch-%04d.zip", epoch)), net, true);
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
