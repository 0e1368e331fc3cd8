package io.distill4j.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code _manifest.json}: the commit marker and description of every stage output (docs/manifests.md). It is written last; a directory without it is incomplete and treated as absent.
 */
public final class Manifest {
    public static final String FILE_NAME = "_manifest.json";
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Manifest() {}

    /** A new manifest node with the fields every stage shares. */
    public static ObjectNode create(String stage) {
        ObjectNode m = JSON.createObjectNode();
        m.put("stage", stage);
        m.put("created", Instant.now().toString());
        m.put(
                "distill4j_version",
                Manifest.class.getPackage().getImplementationVersion() == null
                        ? "dev"
                        : Manifest.class.getPackage().getImplementationVersion());
        return m;
    }

    public static boolean exists(FileSystem fs, Path dir) throws IOException {
        return fs.exists(new Path(dir, FILE_NAME));
    }

    public static void write(FileSystem fs, Path dir, JsonNode manifest) {
        Path file = new Path(dir, FILE_NAME);
        try (FSDataOutputStream out = fs.create(file, true)) {
            JSON.writeValue((java.io.OutputStream) out, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a committed output's manifest, with an error naming the directory when it is absent. */
    public static ObjectNode read(FileSystem fs, Path dir) {
        Path file = new Path(dir, FILE_NAME);
        try {
            if (!fs.exists(file)) {
                throw new StageOutputException(dir + " is not a complete distill4j output: " + FILE_NAME
                        + " is missing (was the stage that writes it interrupted?)");
            }
            try (FSDataInputStream in = fs.open(file)) {
                JsonNode n = JSON.readTree(in);
                if (!(n instanceof ObjectNode o)) throw new StageOutputException(file + " is not a JSON object");
                return o;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StageOutputException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
