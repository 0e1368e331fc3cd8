package io.distill4j.eval.coco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The parts of a COCO instances file that bbox evaluation needs: image ids, categories (id to
 * name) and the annotations with their ids, in file order (pycocotools keeps file order within an
 * image and category, and that order breaks ties). Read with a streaming parser so segmentation
 * polygons and RLEs are skipped rather than held in memory.
 */
public final class CocoGroundTruth {
    private final List<Long> imageIds;
    private final Map<Integer, String> categories;
    private final List<CocoGt> annotations;
    private final long[] annotationIds;

    /**
     * @param imageIds      every image of the split (images without annotations count too)
     * @param categories    category id to name, any order
     * @param annotations   ground truth in file order
     * @param annotationIds the annotation ids, parallel to {@code annotations}
     */
    public CocoGroundTruth(
            List<Long> imageIds, Map<Integer, String> categories, List<CocoGt> annotations, long[] annotationIds) {
        if (annotationIds.length != annotations.size()) {
            throw new IllegalArgumentException(
                    annotationIds.length + " annotation ids for " + annotations.size() + " annotations");
        }
        this.imageIds = List.copyOf(new TreeSet<>(imageIds));
        this.categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories));
        this.annotations = List.copyOf(annotations);
        this.annotationIds = annotationIds.clone();
    }

    /** Ground truth built in memory: annotation ids are 1..n in list order, as in a COCO file. */
    public static CocoGroundTruth of(List<Long> imageIds, Map<Integer, String> categories, List<CocoGt> annotations) {
        long[] ids = new long[annotations.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = i + 1;
        return new CocoGroundTruth(imageIds, categories, annotations, ids);
    }

    /** Sorted, distinct image ids. */
    public List<Long> imageIds() {
        return imageIds;
    }

    /** Category id to name. */
    public Map<Integer, String> categories() {
        return categories;
    }

    public List<CocoGt> annotations() {
        return annotations;
    }

    /** Annotation id of {@code annotations().get(i)}. */
    public long annotationId(int i) {
        return annotationIds[i];
    }

    /** Reads {@code images}, {@code categories} and {@code annotations} of a COCO instances file. */
    public static CocoGroundTruth read(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Long> imageIds = new ArrayList<>();
        Map<Integer, String> categories = new LinkedHashMap<>();
        List<CocoGt> annotations = new ArrayList<>();
        List<Long> annotationIds = new ArrayList<>();
        boolean sawImages = false;
        boolean sawCategories = false;
        try (InputStream in = Files.newInputStream(file);
                JsonParser p = new JsonFactory(mapper).createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException(file + ": expected a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "images" -> {
                        sawImages = true;
                        forEachObject(
                                p,
                                value,
                                file,
                                field,
                                (node, i) -> imageIds.add(requireLong(node, "id", file, field, i)));
                    }
                    case "categories" -> {
                        sawCategories = true;
                        forEachObject(
                                p,
                                value,
                                file,
                                field,
                                (node, i) -> categories.put(
                                        (int) requireLong(node, "id", file, field, i),
                                        node.path("name").asText(String.valueOf(node.get("id")))));
                    }
                    case "annotations" -> forEachObject(p, value, file, field, (node, i) -> {
                        annotationIds.add(requireLong(node, "id", file, field, i));
                        annotations.add(toGt(node, file, i));
                    });
                    default -> p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new IOException(
                    file + ": malformed JSON: " + e.getOriginalMessage() + " at line "
                            + e.getLocation().getLineNr(),
                    e);
        }
        if (!sawImages) throw new IOException(file + ": no \"images\" array (not a COCO instances file?)");
        if (!sawCategories) throw new IOException(file + ": no \"categories\" array (not a COCO instances file?)");
        long[] ids = annotationIds.stream().mapToLong(Long::longValue).toArray();
        return new CocoGroundTruth(imageIds, categories, annotations, ids);
    }

    private interface ElementReader {
        void read(JsonNode node, int index) throws IOException;
    }

    private static void forEachObject(JsonParser p, JsonToken start, Path file, String field, ElementReader reader)
            throws IOException {
        if (start != JsonToken.START_ARRAY) throw new IOException(file + ": \"" + field + "\" must be an array");
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new IOException(file + ": " + field + "[" + i + "] must be an object");
            }
            reader.read(p.readValueAsTree(), i++);
        }
    }

    private static CocoGt toGt(JsonNode node, Path file, int i) throws IOException {
        String where = "annotations[" + i + "]";
        long imageId = requireLong(node, "image_id", file, "annotations", i);
        int categoryId = (int) requireLong(node, "category_id", file, "annotations", i);
        JsonNode bbox = node.get("bbox");
        if (bbox == null || !bbox.isArray() || bbox.size() != 4) {
            throw new IOException(file + ": " + where + " needs \"bbox\" [x, y, w, h]");
        }
        JsonNode area = node.get("area");
        if (area == null || !area.isNumber()) throw new IOException(file + ": " + where + " needs a numeric \"area\"");
        JsonNode crowd = node.get("iscrowd");
        boolean iscrowd = crowd != null && (crowd.isBoolean() ? crowd.asBoolean() : crowd.asInt() != 0);
        return new CocoGt(
                imageId,
                categoryId,
                bbox.get(0).asDouble(),
                bbox.get(1).asDouble(),
                bbox.get(2).asDouble(),
                bbox.get(3).asDouble(),
                area.asDouble(),
                iscrowd);
    }

    private static long requireLong(JsonNode node, String key, Path file, String field, int i) throws IOException {
        JsonNode v = node.get(key);
        if (v == null || !v.isIntegralNumber()) {
            throw new IOException(file + ": " + field + "[" + i + "] needs an integer \"" + key + "\"");
        }
        return v.asLong();
    }
}
