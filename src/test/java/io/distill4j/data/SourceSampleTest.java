package io.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.lang3.SerializationUtils;
import org.junit.jupiter.api.Test;

class SourceSampleTest {
    private static final CocoObject CROWD = new CocoObject(11, 1, new float[] {1, 0, 2, 3}, 4f, true);

    private static SourceSample cityscapes() {
        return SourceSample.cityscapes(
                "cityscapes/val/a/a_000000_000019",
                "val",
                "file:/c/leftImg8bit/val/a/a_000000_000019_leftImg8bit.png",
                "file:/c/gtFine/val/a/a_000000_000019_gtFine_labelIds.png");
    }

    private static SourceSample coco(List<CocoObject> objects) {
        return SourceSample.coco(
                "coco/val2017/000000000139", "val2017", "file:/c/val2017/000000000139.jpg", 139, 426, 640, objects);
    }

    @Test
    void aCityscapesSampleNamesItsLabelMapAndHasNoCocoAnnotations() {
        SourceSample s = cityscapes();
        assertInstanceOf(LabelMapFile.class, s.labels());
        assertEquals(
                "file:/c/gtFine/val/a/a_000000_000019_gtFine_labelIds.png",
                s.labelMap().uri());
        assertEquals(
                "sample cityscapes/val/a/a_000000_000019 of dataset 'cityscapes' lists a label map file, not COCO annotations",
                assertThrows(IllegalArgumentException.class, s::cocoAnnotations).getMessage());
    }

    @Test
    void aCocoSampleCarriesItsImageIdDeclaredSizeAndObjectsAndHasNoLabelMap() {
        SourceSample s = coco(List.of(CROWD));
        CocoImageAnnotations a = s.cocoAnnotations();
        assertEquals(139, a.imageId());
        assertEquals(426, a.declaredHeight());
        assertEquals(640, a.declaredWidth());
        assertEquals(List.of(CROWD), a.objects());
        assertEquals(
                "sample coco/val2017/000000000139 of dataset 'coco' lists COCO annotations, not a label map file",
                assertThrows(IllegalArgumentException.class, s::labelMap).getMessage());
    }

    @Test
    void theObjectsAreAnImmutableCopy() {
        List<CocoObject> objects = new ArrayList<>(List.of(CROWD));
        SourceSample s = coco(objects);
        objects.clear();
        assertEquals(List.of(CROWD), s.cocoAnnotations().objects());
        assertThrows(
                UnsupportedOperationException.class,
                () -> s.cocoAnnotations().objects().clear());
    }

    @Test
    void bothKindsSurviveJavaSerialization() throws Exception {
        for (SourceSample s : List.of(cityscapes(), coco(List.of(CROWD)), coco(List.of()))) {
            assertEquals(s, SerializationUtils.roundtrip(s));
        }
        assertNotEquals(coco(List.of(CROWD)), coco(List.of()), "the objects take part in equality");
    }

    @Test
    void samplesSortById() {
        List<SourceSample> samples = new ArrayList<>(List.of(coco(List.of()), cityscapes()));
        java.util.Collections.sort(samples);
        assertEquals(List.of(cityscapes(), coco(List.of())), samples);
    }
}
