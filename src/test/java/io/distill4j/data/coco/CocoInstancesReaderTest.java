package io.distill4j.data.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CocoInstancesReaderTest {

    /** Every field form: polygons, RLE with list counts, RLE with string counts, unknown fields, nesting. */
    static final String JSON =
            """
            {
              "info": {"description": "test", "nested": {"deep": [1, [2, {"x": 3}]]}},
              "licenses": [{"id": 1, "name": "cc", "url": "http://example"}],
              "annotations": [
                {"id": 10, "image_id": 139, "category_id": 18, "bbox": [1.0, 1.0, 2.0, 2.0], "area": 4.0,
                 "iscrowd": 0, "segmentation": [[1, 1, 3, 1, 3, 3, 1, 3]], "extra": {"a": [1, 2]}},
                {"id": 11, "image_id": 139, "category_id": 1, "bbox": [1, 0, 2, 3], "area": 4,
                 "iscrowd": 1, "segmentation": {"size": [3, 4], "counts": [3, 2, 1, 1, 4, 1]}},
                {"id": 12, "image_id": 285, "category_id": 1, "bbox": [1, 0, 3, 3], "area": 4,
                 "iscrowd": 1, "segmentation": {"counts": "321O30", "size": [3, 4], "note": null}},
                {"id": 13, "image_id": 285, "category_id": 3, "bbox": [0, 0, 4, 4], "area": 6,
                 "iscrowd": 0, "segmentation": [[0, 0, 4, 0, 0, 4], [3, 3, 4, 3, 4, 4]], "attributes": []}
              ],
              "images": [
                {"id": 139, "file_name": "000000000139.jpg", "height": 3, "width": 4, "license": 1,
                 "coco_url": "http://x", "date_captured": "2013-11-21 01:34:01"},
                {"id": 285, "file_name": "000000000285.jpg", "height": 4, "width": 4, "flickr_url": null},
                {"id": 632, "file_name": "000000000632.jpg", "height": 8, "width": 8}
              ],
              "categories": [
                {"supercategory": "animal", "id": 18, "name": "dog", "keypoints": ["a", "b"]},
                {"supercategory": "person", "id": 1, "name": "person"},
                {"supercategory": "vehicle", "id": 3, "name": "car"}
              ]
            }
            """;

    static CocoInstances read(String json, boolean keep) throws IOException {
        return new CocoInstancesReader(keep)
                .read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "ann/instances_test.json");
    }

    @Test
    void readsImagesCategoriesAndAnnotationsInEveryForm() throws IOException {
        CocoInstances coco = read(JSON, true);
        assertEquals(3, coco.images().size());
        assertEquals(new CocoImage(285, "000000000285.jpg", 4, 4), coco.image(285));
        assertEquals(4, coco.annotationCount());

        assertEquals(3, coco.categories().size());
        assertEquals(new CocoCategory(1, "person", "person"), coco.categories().get(0));
        assertEquals(0, coco.categoryIndex(1));
        assertEquals(1, coco.categoryIndex(3));
        assertEquals(2, coco.categoryIndex(18));
        assertEquals(18, coco.categoryId(2));

        CocoAnnotation polygon = coco.annotationsOf(139).get(0);
        assertEquals(10, polygon.id());
        assertEquals(18, polygon.categoryId());
        assertArrayEquals(new float[] {1, 1, 2, 2}, polygon.bbox());
        assertFalse(polygon.iscrowd());
        CocoSegmentation.Polygons poly = assertInstanceOf(CocoSegmentation.Polygons.class, polygon.segmentation());
        assertEquals(4, CocoPolygons.area(poly.polygons(), 3, 4));

        byte[] expected = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1};
        CocoAnnotation listRle = coco.annotationsOf(139).get(1);
        assertTrue(listRle.iscrowd());
        CocoSegmentation.Rle list = assertInstanceOf(CocoSegmentation.Rle.class, listRle.segmentation());
        assertFalse(list.compressed());
        assertArrayEquals(expected, list.toMask(3, 4));

        CocoSegmentation.Rle string = assertInstanceOf(
                CocoSegmentation.Rle.class, coco.annotationsOf(285).get(0).segmentation());
        assertTrue(string.compressed());
        assertArrayEquals(expected, string.toMask(3, 4));

        CocoSegmentation.Polygons two = assertInstanceOf(
                CocoSegmentation.Polygons.class, coco.annotationsOf(285).get(1).segmentation());
        assertEquals(2, two.polygons().size());
        assertEquals(7, CocoPolygons.area(two.polygons(), 4, 4));

        assertTrue(coco.annotationsOf(632).isEmpty());
    }

    @Test
    void skipsSegmentationsWhenNotAsked() throws IOException {
        CocoInstances coco = read(JSON, false);
        assertEquals(4, coco.annotationCount());
        for (CocoAnnotation a : coco.annotations()) assertNull(a.segmentation());
        assertEquals(6.0, coco.annotationsOf(285).get(1).area());
    }

    @Test
    void malformedJsonNamesFileLineAndColumn() {
        String broken = "{\n  \"images\": [\n    {\"id\": 1,, \"file_name\": \"a.jpg\"}\n  ]\n}";
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> read(broken, true));
        assertTrue(e.getMessage().contains("ann/instances_test.json"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3, column 15"), e.getMessage());
        CocoFormatException truncated =
                assertThrows(CocoFormatException.class, () -> read(JSON.substring(0, JSON.length() / 2), true));
        assertTrue(truncated.getMessage().contains("malformed JSON at line"), truncated.getMessage());
    }

    @Test
    void unknownCategoryNamesFileAnnotationAndId() {
        String bad = JSON.replace("\"category_id\": 3,", "\"category_id\": 7,");
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> read(bad, false));
        assertEquals("COCO file ann/instances_test.json: annotation 13 has unknown category_id 7", e.getMessage());
        assertEquals("ann/instances_test.json", e.file());
    }

    @Test
    void unknownImageNamesFileAnnotationAndId() {
        String bad = JSON.replace("\"image_id\": 285, \"category_id\": 3", "\"image_id\": 999, \"category_id\": 3");
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> read(bad, false));
        assertEquals(
                "COCO file ann/instances_test.json: annotation 13 has image_id 999 that is not in images",
                e.getMessage());
    }

    @Test
    void mistypedFieldNamesWhatAndWhere() {
        String bad = JSON.replace("\"bbox\": [0, 0, 4, 4]", "\"bbox\": [0, 0, 4]");
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> read(bad, false));
        assertTrue(e.getMessage().contains("annotation 13: bbox has 3 numbers, expected 4"), e.getMessage());
        assertTrue(e.getMessage().contains("line 11"), e.getMessage());
    }

    @Test
    void missingTopLevelArrayIsNamedNotReportedAsUnknownIds() {
        for (String section : new String[] {"images", "categories", "annotations"}) {
            String without = JSON.replace("\"" + section + "\":", "\"" + section + "_renamed\":");
            CocoFormatException e = assertThrows(CocoFormatException.class, () -> read(without, false), section);
            assertTrue(
                    e.getMessage()
                            .startsWith("COCO file ann/instances_test.json: no top-level '" + section + "' array"),
                    e.getMessage());
        }
    }

    @Test
    void annotationWithoutIdIsNamedByItsPosition() {
        // The third annotation (#2) loses its id; its bbox comes before anything else could name it.
        String noId = JSON.replace(
                "{\"id\": 12, \"image_id\": 285, \"category_id\": 1, \"bbox\": [1, 0, 3, 3]",
                "{\"bbox\": [1, 0, 3], \"image_id\": 285, \"category_id\": 1");
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> read(noId, false));
        assertTrue(
                e.getMessage().contains("annotation #2 (counted from 0): bbox has 3 numbers, expected 4"),
                e.getMessage());
        assertFalse(e.getMessage().contains("null"), e.getMessage());
        String lacksId = JSON.replace("{\"id\": 12, ", "{");
        CocoFormatException lacks = assertThrows(CocoFormatException.class, () -> read(lacksId, false));
        assertTrue(lacks.getMessage().contains("annotation #2 (counted from 0) lacks id (line"), lacks.getMessage());
    }
}
