package io.distill4j.eval.detect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A detector's classes: the original COCO category id and name of each heatmap channel, read from
 * the {@code categories} array of a COCO shard manifest ({@code {"index", "id", "name"}} per class,
 * channel = index; the shard job numbers categories by ascending id).
 */
public final class DetectorClasses {
    private final int[] categoryIds;
    private final Map<Integer, String> names;

    public DetectorClasses(int[] categoryIds, Map<Integer, String> names) {
        if (categoryIds.length == 0) throw new IllegalArgumentException("a detector needs at least one class");
        this.categoryIds = categoryIds.clone();
        this.names = Collections.unmodifiableMap(new LinkedHashMap<>(names));
    }

    /**
     * @param categories the manifest's {@code categories} array
     * @param where      the manifest, named in errors
     */
    public static DetectorClasses fromManifest(JsonNode categories, String where) {
        if (!categories.isArray() || categories.isEmpty()) {
            throw new IllegalArgumentException(
                    where + ": field 'categories' is missing or empty; a detector needs its classes");
        }
        int[] ids = new int[categories.size()];
        Arrays.fill(ids, -1);
        Map<Integer, String> names = new LinkedHashMap<>();
        for (JsonNode c : categories) {
            int index = c.path("index").asInt(-1);
            if (index < 0
                    || index >= ids.length
                    || ids[index] != -1
                    || !c.path("id").isIntegralNumber()) {
                throw new IllegalArgumentException(where + ": field 'categories' has a bad or repeated entry " + c);
            }
            ids[index] = c.path("id").asInt();
        }
        for (JsonNode c : categories)
            names.put(c.path("id").asInt(), c.path("name").asText(c.path("id").asText()));
        return new DetectorClasses(ids, names);
    }

    /** COCO category id of each heatmap channel. */
    public int[] categoryIds() {
        return categoryIds.clone();
    }

    public int size() {
        return categoryIds.length;
    }

    /** Category id to name. */
    public Map<Integer, String> names() {
        return names;
    }
}
