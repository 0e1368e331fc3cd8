package io.distill4j.eval.coco;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The COCO results file: a JSON array of {@code {"image_id", "category_id", "bbox": [x, y, w, h],
 * "score"}} with original category ids and boxes in original image pixels, the format
 * pycocotools' {@code loadRes} and the COCO evaluation server accept. Streams both ways.
 */
public final class CocoResultsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CocoResultsJson() {}

    /** Writes the detections as a results array. */
    public static void write(List<CocoDetection> detections, OutputStream out) throws IOException {
        try (JsonGenerator g = new JsonFactory(MAPPER).createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartArray();
            for (CocoDetection d : detections) {
                g.writeStartObject();
                g.writeNumberField("image_id", d.imageId());
                g.writeNumberField("category_id", d.categoryId());
                g.writeArrayFieldStart("bbox");
                g.writeNumber(d.x());
                g.writeNumber(d.y());
                g.writeNumber(d.w());
                g.writeNumber(d.h());
                g.writeEndArray();
                g.writeNumberField("score", d.score());
                g.writeEndObject();
                g.writeRaw('\n');
            }
            g.writeEndArray();
        }
    }

    /** Writes the detections to {@code file}, creating parent directories. */
    public static void write(List<CocoDetection> detections, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(file)) {
            write(detections, out);
        }
    }

    /** Reads a results file; errors name the file and the offending element. */
    public static List<CocoDetection> read(Path file) throws IOException {
        List<CocoDetection> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                JsonParser p = new JsonFactory(MAPPER).createParser(in)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException(file + ": a COCO results file is a JSON array of detections");
            }
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    throw new IOException(file + ": element " + i + " is not an object");
                }
                out.add(toDetection(p.readValueAsTree(), file, i++));
            }
        } catch (JsonProcessingException e) {
            throw new IOException(
                    file + ": malformed JSON: " + e.getOriginalMessage() + " at line "
                            + e.getLocation().getLineNr(),
                    e);
        }
        return out;
    }

    private static CocoDetection toDetection(JsonNode n, Path file, int i) throws IOException {
        String where = file + ": element " + i;
        JsonNode image = n.get("image_id");
        JsonNode cat = n.get("category_id");
        JsonNode bbox = n.get("bbox");
        JsonNode score = n.get("score");
        if (image == null || !image.isIntegralNumber()) throw new IOException(where + " needs an integer \"image_id\"");
        if (cat == null || !cat.isIntegralNumber()) throw new IOException(where + " needs an integer \"category_id\"");
        if (bbox == null || !bbox.isArray() || bbox.size() != 4) {
            throw new IOException(where + " needs \"bbox\" [x, y, w, h]");
        }
        for (JsonNode v : bbox) if (!v.isNumber()) throw new IOException(where + ": bbox values must be numbers");
        if (score == null || !score.isNumber()) throw new IOException(where + " needs a numeric \"score\"");
        return new CocoDetection(
                image.asLong(),
                cat.asInt(),
                bbox.get(0).asDouble(),
                bbox.get(1).asDouble(),
                bbox.get(2).asDouble(),
                bbox.get(3).asDouble(),
                score.asDouble());
    }
}
