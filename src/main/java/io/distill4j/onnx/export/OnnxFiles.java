package io.distill4j.onnx.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import onnx.Onnx;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** ONNX files on any Hadoop file system, written atomically (temp sibling + rename), as model zips are. */
public final class OnnxFiles {
    private OnnxFiles() {}

    public static void write(FileSystem fs, Path file, Onnx.ModelProto model) {
        Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                model.writeTo(out);
            }
            if (fs.exists(file)) {
                fs.delete(file, false);
            }
            if (!fs.rename(tmp, file)) {
                throw new IOException("rename to " + file + " failed");
            }
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the temp file is hidden (dot name) and never read
            }
            throw new UncheckedIOException("cannot write ONNX model " + file + ": " + e.getMessage(), e);
        }
    }
}
