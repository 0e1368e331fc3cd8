package io.distill4j.data.coco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads {@code instances_*.json} token by token with Jackson's streaming {@link JsonParser}: the
 * train2017 file is 448 MB, so it is never bound to a tree. Only {@code images}, {@code categories}
 * and {@code annotations} are read; every other field, at any depth, is skipped.
 *
 * <p>Segmentations dominate the file's size; a reader built with {@code keepSegmentations = false}
 * skips them, which is what listing a split needs.
 *
 * <p>Sections may come in any order (real files put {@code categories} last), so ids are checked
 * once the whole file is read.
 */
public final class CocoInstancesReader {
    private static final JsonFactory JSON = new JsonFactory();

    private final boolean keepSegmentations;

    public CocoInstancesReader(boolean keepSegmentations) {
        this.keepSegmentations = keepSegmentations;
    }

    /** Reads an annotation file through Hadoop. */
    public CocoInstances read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads annotations from a stream; {@code source} names it in errors.
     *
     * @throws CocoFormatException for malformed JSON (with line and column), a missing top-level
     *                             array, a missing or mistyped field, a duplicate id, or an annotation
     *                             whose image or category is unknown
     */
    public CocoInstances read(InputStream in, String source) throws IOException {
        List<CocoImage> images = new ArrayList<>();
        List<CocoCategory> categories = new ArrayList<>();
        List<CocoAnnotation> annotations = new ArrayList<>();
        Set<String> sections = new HashSet<>();
        try (JsonParser p = JSON.createParser(in)) {
            Parse parse = new Parse(p, source);
            parse.expect(p.nextToken(), JsonToken.START_OBJECT, "the top level");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                sections.add(field);
                switch (field) {
                    case "images" -> parse.array(value, field, () -> images.add(parse.image()));
                    case "categories" -> parse.array(value, field, () -> categories.add(parse.category()));
                    case "annotations" -> parse.array(
                            value,
                            field,
                            () -> annotations.add(parse.annotation(annotations.size(), keepSegmentations)));
                    default -> p.skipChildren();
                }
            }
            parse.expect(p.currentToken(), JsonToken.END_OBJECT, "the end of the top-level object");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new CocoFormatException(source, "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        // Without these every annotation would be reported as pointing at an unknown id.
        for (String required : List.of("images", "categories", "annotations")) {
            if (!sections.contains(required)) {
                throw new CocoFormatException(
                        source,
                        "no top-level '" + required + "' array"
                                + (required.equals("annotations")
                                        ? " (an image_info file? distill4j needs instances_*.json)"
                                        : ""));
            }
        }
        return assemble(source, images, categories, annotations);
    }

    private static CocoInstances assemble(
            String source, List<CocoImage> images, List<CocoCategory> categories, List<CocoAnnotation> annotations) {
        Set<Long> imageIds = new HashSet<>();
        for (CocoImage image : images) {
            if (!imageIds.add(image.id())) throw new CocoFormatException(source, "duplicate image id " + image.id());
        }
        Set<Integer> categoryIds = new HashSet<>();
        for (CocoCategory c : categories) {
            if (!categoryIds.add(c.id())) throw new CocoFormatException(source, "duplicate category id " + c.id());
        }
        Map<Long, List<CocoAnnotation>> byImage = new LinkedHashMap<>();
        Set<Long> annotationIds = new HashSet<>();
        for (CocoAnnotation a : annotations) {
            if (!annotationIds.add(a.id())) throw new CocoFormatException(source, "duplicate annotation id " + a.id());
            if (!categoryIds.contains(a.categoryId())) {
                throw new CocoFormatException(
                        source, "annotation " + a.id() + " has unknown category_id " + a.categoryId());
            }
            if (!imageIds.contains(a.imageId())) {
                throw new CocoFormatException(
                        source, "annotation " + a.id() + " has image_id " + a.imageId() + " that is not in images");
            }
            byImage.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(a);
        }
        List<CocoCategory> sorted = new ArrayList<>(categories);
        sorted.sort(Comparator.comparingInt(CocoCategory::id));
        return new CocoInstances(source, images, sorted, byImage);
    }

    /** Parsing helpers bound to one parser; every error names the file and the position. */
    private static final class Parse {
        private final JsonParser p;
        private final String source;

        Parse(JsonParser p, String source) {
            this.p = p;
            this.source = source;
        }

        interface Element {
            void read() throws IOException;
        }

        void array(JsonToken start, String what, Element element) throws IOException {
            expect(start, JsonToken.START_ARRAY, "'" + what + "'");
            while (p.nextToken() != JsonToken.END_ARRAY) element.read();
        }

        CocoImage image() throws IOException {
            expect(p.currentToken(), JsonToken.START_OBJECT, "an entry of 'images'");
            Long id = null;
            String fileName = null;
            Integer height = null, width = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "id" -> id = longValue("images.id");
                    case "file_name" -> fileName = text("images.file_name");
                    case "height" -> height = intValue("images.height");
                    case "width" -> width = intValue("images.width");
                    default -> p.skipChildren();
                }
            }
            if (id == null || fileName == null || height == null || width == null) {
                throw error("image " + (id == null ? "without id" : id) + " lacks one of id, file_name, height, width");
            }
            return new CocoImage(id, fileName, height, width);
        }

        CocoCategory category() throws IOException {
            expect(p.currentToken(), JsonToken.START_OBJECT, "an entry of 'categories'");
            Integer id = null;
            String name = null, supercategory = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "id" -> id = intValue("categories.id");
                    case "name" -> name = text("categories.name");
                    case "supercategory" -> supercategory = text("categories.supercategory");
                    default -> p.skipChildren();
                }
            }
            if (id == null || name == null) throw error("category lacks id or name");
            return new CocoCategory(id, name, supercategory == null ? "" : supercategory);
        }

        /** Reads the entry at {@code index} of 'annotations'; errors name the id, or the position while the id is unknown. */
        CocoAnnotation annotation(int index, boolean keepSegmentation) throws IOException {
            expect(p.currentToken(), JsonToken.START_OBJECT, "an entry of 'annotations'");
            Long id = null, imageId = null;
            Integer categoryId = null;
            float[] bbox = null;
            double area = Double.NaN;
            boolean iscrowd = false;
            CocoSegmentation segmentation = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "id" -> id = longValue("annotations.id");
                    case "image_id" -> imageId = longValue("annotations.image_id");
                    case "category_id" -> categoryId = intValue("annotations.category_id");
                    case "bbox" -> bbox = bbox(annotationName(index, id));
                    case "area" -> area = doubleValue("annotations.area");
                    case "iscrowd" -> iscrowd = flag("annotations.iscrowd");
                    case "segmentation" -> {
                        if (keepSegmentation) segmentation = segmentation(annotationName(index, id));
                        else p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            String name = annotationName(index, id);
            List<String> missing = new ArrayList<>();
            if (id == null) missing.add("id");
            if (imageId == null) missing.add("image_id");
            if (categoryId == null) missing.add("category_id");
            if (bbox == null) missing.add("bbox");
            if (!missing.isEmpty()) throw error(name + " lacks " + String.join(", ", missing));
            if (Double.isNaN(area)) throw error(name + " lacks area");
            return new CocoAnnotation(id, imageId, categoryId, bbox, area, iscrowd, segmentation);
        }

        /** "annotation 42", or by its position while its id is unknown: "annotation #3 (counted from 0)". */
        private static String annotationName(int index, Long id) {
            return id != null ? "annotation " + id : "annotation #" + index + " (counted from 0)";
        }

        private float[] bbox(String name) throws IOException {
            double[] v = numbers("annotations.bbox");
            if (v.length != 4) throw error(name + ": bbox has " + v.length + " numbers, expected 4");
            return new float[] {(float) v[0], (float) v[1], (float) v[2], (float) v[3]};
        }

        private CocoSegmentation segmentation(String name) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.START_ARRAY) {
                List<double[]> polygons = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) polygons.add(numbers("annotations.segmentation polygon"));
                return new CocoSegmentation.Polygons(polygons);
            }
            expect(t, JsonToken.START_OBJECT, name + " segmentation (list of polygons or RLE object)");
            int[] size = null;
            int[] counts = null;
            String compressed = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "size" -> {
                        double[] s = numbers("segmentation.size");
                        if (s.length != 2) throw error(name + ": RLE size must be [height, width]");
                        size = new int[] {(int) s[0], (int) s[1]};
                    }
                    case "counts" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            compressed = p.getText();
                        } else {
                            double[] c = numbers("segmentation.counts");
                            counts = new int[c.length];
                            for (int i = 0; i < c.length; i++) counts[i] = (int) c[i];
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (size == null || (counts == null && compressed == null)) {
                throw error(name + ": RLE segmentation needs counts and size");
            }
            try {
                return compressed != null
                        ? new CocoSegmentation.Rle(CocoRle.fromString(compressed, size[0], size[1]), true)
                        : new CocoSegmentation.Rle(CocoRle.ofCounts(size[0], size[1], counts), false);
            } catch (IllegalArgumentException e) {
                throw error(name + ": " + e.getMessage());
            }
        }

        private double[] numbers(String what) throws IOException {
            expect(p.currentToken(), JsonToken.START_ARRAY, what);
            double[] v = new double[8];
            int n = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (!t.isNumeric()) throw error(what + " must hold numbers, found " + t);
                if (n == v.length) v = Arrays.copyOf(v, 2 * n);
                v[n++] = p.getDoubleValue();
            }
            return Arrays.copyOf(v, n);
        }

        private long longValue(String what) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT)
                throw error(what + " must be an integer, found " + p.currentToken());
            return p.getLongValue();
        }

        private int intValue(String what) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT)
                throw error(what + " must be an integer, found " + p.currentToken());
            return p.getIntValue();
        }

        private double doubleValue(String what) throws IOException {
            if (!p.currentToken().isNumeric()) throw error(what + " must be a number, found " + p.currentToken());
            return p.getDoubleValue();
        }

        private boolean flag(String what) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) return t == JsonToken.VALUE_TRUE;
            if (t == JsonToken.VALUE_NUMBER_INT) return p.getIntValue() != 0;
            throw error(what + " must be 0/1 or a boolean, found " + t);
        }

        private String text(String what) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING)
                throw error(what + " must be a string, found " + p.currentToken());
            return p.getText();
        }

        void expect(JsonToken actual, JsonToken expected, String what) {
            if (actual != expected) throw error("expected " + expected + " for " + what + ", found " + actual);
        }

        CocoFormatException error(String detail) {
            JsonLocation at = p.currentLocation();
            return new CocoFormatException(
                    source, detail + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
    }
}
