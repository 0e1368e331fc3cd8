package io.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LabelColumnsTest {

    @Test
    void eachKindFillsItsOwnColumnsAndLeavesTheOthersNull() {
        LabelColumns seg = LabelColumns.of(new SegmentationLabels(new byte[] {3, (byte) 255}));
        assertArrayEquals(new byte[] {3, (byte) 255}, seg.segLabel());
        assertNull(seg.boxes());
        assertNull(seg.categoryIds());
        assertNull(seg.areas());
        assertNull(seg.iscrowd());
        assertEquals(LabelColumns.NO_IMAGE_ID, seg.imageId(), "image_id is not nullable: -1 as before");

        DetectionLabels d = new DetectionLabels(
                139, new float[] {1, 2, 3, 4}, new int[] {18}, new float[] {12f}, new boolean[] {true});
        LabelColumns det = LabelColumns.of(d);
        assertNull(det.segLabel());
        assertArrayEquals(new float[] {1, 2, 3, 4}, det.boxes());
        assertArrayEquals(new int[] {18}, det.categoryIds());
        assertArrayEquals(new float[] {12f}, det.areas());
        assertArrayEquals(new boolean[] {true}, det.iscrowd());
        assertEquals(139, det.imageId());

        assertEquals(d, det.labels("s"));
        assertEquals(new SegmentationLabels(new byte[] {3, (byte) 255}), seg.labels("s"));
    }

    @Test
    void anImageWithoutObjectsIsStillADetectionSample() {
        DetectionLabels none = new DetectionLabels(1, new float[0], new int[0], new float[0], new boolean[0]);
        assertEquals(none, LabelColumns.of(none).labels("coco/val2017/1"));
    }

    @Test
    void aRowWithBothKindsNeitherOrBrokenBoxesIsRefusedNamingTheSample() {
        LabelColumns both = new LabelColumns(new byte[1], new float[0], new int[0], new float[0], new boolean[0], -1);
        assertEquals(
                "sample s1: has both seg_label and boxes; a shard row holds one kind of labels",
                assertThrows(IllegalArgumentException.class, () -> both.labels("s1"))
                        .getMessage());
        LabelColumns neither = new LabelColumns(null, null, null, null, null, -1);
        assertEquals(
                "sample s2: has neither seg_label nor boxes",
                assertThrows(IllegalArgumentException.class, () -> neither.labels("s2"))
                        .getMessage());
        LabelColumns broken = new LabelColumns(null, new float[8], new int[] {1}, new float[2], new boolean[2], 1);
        assertEquals(
                "sample s3: boxes (8 floats), categoryIds, areas and iscrowd must describe the same objects",
                assertThrows(IllegalArgumentException.class, () -> broken.labels("s3"))
                        .getMessage());
        LabelColumns noBoxes = new LabelColumns(null, null, new int[] {1}, new float[1], new boolean[1], 1);
        assertEquals(
                "sample s4: boxes (none), categoryIds, areas and iscrowd must describe the same objects",
                assertThrows(IllegalArgumentException.class, () -> noBoxes.labels("s4"))
                        .getMessage());
    }

    @Test
    void aSegmentationRowWithACocoImageIdIsRefusedNamingTheSample() {
        LabelColumns seg = new LabelColumns(new byte[1], null, null, null, null, 42);
        assertEquals(
                "sample s5: has seg_label and image_id 42; a segmentation row has image_id -1",
                assertThrows(IllegalArgumentException.class, () -> seg.labels("s5"))
                        .getMessage());
    }
}
