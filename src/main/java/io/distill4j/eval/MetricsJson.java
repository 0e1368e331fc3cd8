package io.distill4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes and reads the {@code metrics.json} contract. Doubles go out at full precision (Jackson
 * writes the shortest decimal that parses back to the same double); NaN is written as null because
 * JSON has no NaN and Jackson would otherwise write the string "NaN".
 */
public final class MetricsJson {
    /** One shared mapper: ObjectMapper is thread-safe once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {}

    /** Puts {@code value} under {@code key}, or null when it is NaN or infinite. */
    public static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) node.put(key, value);
        else node.putNull(key);
    }

    /** Pretty-printed JSON text with a trailing newline. */
    public static String toText(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code node} to {@code file}, creating parent directories. */
    public static void write(ObjectNode node, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toText(node));
    }

    /** Reads a metrics JSON object; the error names the file when it is not a JSON object. */
    public static ObjectNode read(Path file) throws IOException {
        try {
            var tree = MAPPER.readTree(file.toFile());
            if (tree == null || !tree.isObject()) {
                throw new IOException(file + ": expected a JSON object");
            }
            return (ObjectNode) tree;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
    }
}
