package io.distill4j.data.coco;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of one {@code instances_*.json}: images in file order, categories sorted by id with a
 * contiguous index (0..n-1) for COCO's non-contiguous ids, and annotations grouped by image id.
 */
public final class CocoInstances {
    private final String source;
    private final List<CocoImage> images;
    private final List<CocoCategory> categories;
    private final Map<Integer, Integer> categoryIndex;
    private final Map<Long, CocoImage> imagesById;
    private final Map<Long, List<CocoAnnotation>> annotationsByImage;
    private final int annotationCount;

    CocoInstances(
            String source,
            List<CocoImage> images,
            List<CocoCategory> categoriesSortedById,
            Map<Long, List<CocoAnnotation>> annotationsByImage) {
        this.source = source;
        this.images = List.copyOf(images);
        this.categories = List.copyOf(categoriesSortedById);
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < categories.size(); i++) index.put(categories.get(i).id(), i);
        this.categoryIndex = Collections.unmodifiableMap(index);
        Map<Long, CocoImage> byId = new HashMap<>();
        for (CocoImage image : images) byId.put(image.id(), image);
        this.imagesById = Collections.unmodifiableMap(byId);
        Map<Long, List<CocoAnnotation>> grouped = new LinkedHashMap<>();
        int count = 0;
        for (Map.Entry<Long, List<CocoAnnotation>> e : annotationsByImage.entrySet()) {
            grouped.put(e.getKey(), List.copyOf(e.getValue()));
            count += e.getValue().size();
        }
        this.annotationsByImage = Collections.unmodifiableMap(grouped);
        this.annotationCount = count;
    }

    /** The file these were read from. */
    public String source() {
        return source;
    }

    /** Images in file order. */
    public List<CocoImage> images() {
        return images;
    }

    /** The image with this id, or null. */
    public CocoImage image(long imageId) {
        return imagesById.get(imageId);
    }

    /** Categories sorted by id; position = contiguous index. */
    public List<CocoCategory> categories() {
        return categories;
    }

    /** Contiguous index (0..n-1, by ascending id) of a COCO category id. */
    public int categoryIndex(int categoryId) {
        Integer i = categoryIndex.get(categoryId);
        if (i == null) throw new IllegalArgumentException(source + ": unknown category id " + categoryId);
        return i;
    }

    /** COCO category id of a contiguous index. */
    public int categoryId(int index) {
        return categories.get(index).id();
    }

    /** Annotations of one image in file order (empty when it has none). */
    public List<CocoAnnotation> annotationsOf(long imageId) {
        return annotationsByImage.getOrDefault(imageId, List.of());
    }

    /** All annotations, grouped by image in file order. */
    public List<CocoAnnotation> annotations() {
        List<CocoAnnotation> all = new ArrayList<>(annotationCount);
        for (List<CocoAnnotation> list : annotationsByImage.values()) all.addAll(list);
        return all;
    }

    public int annotationCount() {
        return annotationCount;
    }
}
