package io.distill4j.cache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/** DL4J model files on any Hadoop file system, written atomically (temp file + rename). */
public final class ModelFiles {
    private ModelFiles() {}

    public static void write(FileSystem fs, Path file, ComputationGraph net, boolean withUpdater) {
        Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                ModelSerializer.writeModel(net, out, withUpdater);
            }
            if (fs.exists(file)) fs.delete(file, false);
            if (!fs.rename(tmp, file)) throw new IOException("rename to " + file + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model " + file + ": " + e.getMessage(), e);
        }
    }

    public static ComputationGraph read(FileSystem fs, Path file, boolean withUpdater) {
        try (FSDataInputStream in = fs.open(file)) {
            return ModelSerializer.restoreComputationGraph(in, withUpdater);
        } catch (java.io.FileNotFoundException e) {
            throw new io.distill4j.storage.StageOutputException("model file " + file + " does not exist");
        } catch (IOException | RuntimeException e) {
            throw new CacheFormatException(
                    "cannot read DL4J model " + file + " (not a ModelSerializer zip?): " + e.getMessage(), e);
        }
    }

    /** The model as ModelSerializer bytes (what cache-teacher broadcasts to executors). */
    public static byte[] bytes(ComputationGraph net) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, b, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    public static ComputationGraph fromBytes(byte[] bytes) {
        try {
            return ModelSerializer.restoreComputationGraph(new java.io.ByteArrayInputStream(bytes), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
