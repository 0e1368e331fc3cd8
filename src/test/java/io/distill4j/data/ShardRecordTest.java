package io.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.RecordComponent;
import java.util.List;
import org.apache.commons.lang3.SerializationUtils;
import org.junit.jupiter.api.Test;

class ShardRecordTest {

    private static ShardRecord coco(byte[] image, float[] boxes) {
        return new ShardRecord(
                "coco/val2017/000000000139",
                "coco",
                "val2017",
                1,
                2,
                10,
                20,
                image,
                new DetectionLabels(139, boxes, new int[] {18}, new float[] {12f}, new boolean[] {false}),
                "file:/c/val2017/000000000139.jpg");
    }

    private static ShardRecord cityscapes(byte[] trainIds) {
        return new ShardRecord(
                "cityscapes/val/a/a_1",
                "cityscapes",
                "val",
                1,
                2,
                1024,
                2048,
                new byte[6],
                new SegmentationLabels(trainIds),
                "file:/c/a/a_1_leftImg8bit.png");
    }

    @Test
    void equalityComparesArrayContents() {
        ShardRecord a = coco(new byte[6], new float[] {1, 2, 3, 4});
        ShardRecord b = coco(new byte[6], new float[] {1, 2, 3, 4});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, coco(new byte[] {0, 0, 0, 0, 0, 1}, new float[] {1, 2, 3, 4}));
        assertNotEquals(a, coco(new byte[6], new float[] {1, 2, 3, 5}));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        byte[] image = new byte[6];
        ShardRecord r = coco(image, new float[] {1, 2, 3, 4});
        image[0] = 9;
        r.image()[1] = 9;
        r.detection().boxes()[0] = 9;
        assertEquals(coco(new byte[6], new float[] {1, 2, 3, 4}), r);
    }

    @Test
    void inconsistentSizesAreRejectedWithTheSampleId() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> coco(new byte[5], new float[4]));
        assertEquals("sample coco/val2017/000000000139: image has 5 bytes, expected 3*1*2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> coco(new byte[6], new float[8]));
    }

    @Test
    void segmentationMapOfTheWrongSizeIsRejectedWithTheSampleId() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> cityscapes(new byte[] {1, 2, 3}));
        assertEquals("sample cityscapes/val/a/a_1: segLabel has 3 bytes, expected 1*2", e.getMessage());
    }

    @Test
    void detectionArraysThatCountDifferentObjectsAreRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new DetectionLabels(139, new float[8], new int[1], new float[2], new boolean[2]));
        assertEquals("boxes (8 floats), categoryIds, areas and iscrowd must describe the same objects", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new DetectionLabels(139, new float[4], new int[1], null, new boolean[1]),
                "a missing array");
        assertThrows(
                IllegalArgumentException.class,
                () -> new DetectionLabels(139, new float[6], new int[1], new float[1], new boolean[1]),
                "boxes not in fours");
    }

    @Test
    void aDetectionRecordHasNoSegmentationMapToAskFor() {
        ShardRecord r = coco(new byte[6], new float[] {1, 2, 3, 4});
        assertInstanceOf(DetectionLabels.class, r.labels());
        assertEquals(1, r.detection().objectCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::segmentation);
        assertEquals(
                "sample coco/val2017/000000000139 of dataset 'coco' is labelled with boxes, not a segmentation map",
                e.getMessage());
    }

    @Test
    void theCocoImageIdIsPartOfADetectionRecordsLabels() {
        ShardRecord r = coco(new byte[6], new float[] {1, 2, 3, 4});
        assertEquals(139, r.detection().imageId());
        ShardRecord other = new ShardRecord(
                r.sampleId(),
                r.dataset(),
                r.split(),
                r.height(),
                r.width(),
                r.origHeight(),
                r.origWidth(),
                r.image(),
                new DetectionLabels(
                        140, new float[] {1, 2, 3, 4}, new int[] {18}, new float[] {12f}, new boolean[] {false}),
                r.sourceUri());
        assertNotEquals(r, other, "another image under the same sample id");
        assertEquals("DetectionLabels[image 139, 1 objects]", r.labels().toString());
    }

    @Test
    void aSegmentationRecordHasNoBoxesToAskFor() {
        ShardRecord r = cityscapes(new byte[] {0, (byte) 255});
        assertInstanceOf(SegmentationLabels.class, r.labels());
        assertArrayEquals(new byte[] {0, (byte) 255}, r.segmentation().trainIds());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::detection);
        assertEquals(
                "sample cityscapes/val/a/a_1 of dataset 'cityscapes' is labelled with a segmentation map, not boxes",
                e.getMessage());
    }

    @Test
    void noAccessorOfEitherKindReturnsNull() throws Exception {
        for (ShardRecord r : List.of(cityscapes(new byte[2]), coco(new byte[6], new float[] {1, 2, 3, 4}))) {
            for (RecordComponent c : ShardRecord.class.getRecordComponents()) {
                assertNotNull(c.getAccessor().invoke(r), r.sampleId() + ": " + c.getName());
            }
            for (RecordComponent c : r.labels().getClass().getRecordComponents()) {
                assertNotNull(c.getAccessor().invoke(r.labels()), r.sampleId() + ": labels " + c.getName());
            }
        }
    }

    @Test
    void labelArraysAreCopiedInAndOut() {
        byte[] trainIds = {1, 2};
        ShardRecord r = cityscapes(trainIds);
        trainIds[0] = 9;
        r.segmentation().trainIds()[1] = 9;
        assertEquals(cityscapes(new byte[] {1, 2}), r);
        assertNotEquals(cityscapes(new byte[] {1, 3}), r);
        assertEquals(cityscapes(new byte[] {1, 2}).hashCode(), r.hashCode());
    }

    @Test
    void recordAndSourceSampleSurviveJavaSerialization() throws Exception {
        ShardRecord r = coco(new byte[] {1, 2, 3, 4, 5, 6}, new float[] {1, 2, 3, 4});
        assertEquals(r, SerializationUtils.roundtrip(r));
        assertEquals(
                139, ((ShardRecord) SerializationUtils.roundtrip(r)).detection().imageId());
        ShardRecord seg = cityscapes(new byte[] {7, (byte) 255});
        assertEquals(seg, SerializationUtils.roundtrip(seg));
        SourceSample s = SourceSample.coco(
                "coco/val2017/000000000139",
                "val2017",
                "x.jpg",
                139,
                10,
                20,
                List.of(new CocoObject(1, 18, new float[] {1, 2, 3, 4}, 12f, false)));
        assertEquals(s, SerializationUtils.roundtrip(s));
    }
}
