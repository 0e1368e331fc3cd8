package io.distill4j.eval.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.distill4j.data.DetectionLabels;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.coco.CocoGt;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardBoxesTest {

    @Test
    void groundTruthIsKeyedByTheLabelsImageIdInOriginalPixels() {
        // A 20x40 original stored at 10x10: x scales by 4, y by 2.
        ShardRecord r = new ShardRecord(
                "coco/val2017/000000000139",
                "coco",
                "val2017",
                10,
                10,
                20,
                40,
                new byte[3 * 10 * 10],
                new DetectionLabels(
                        139,
                        new float[] {1, 2, 3, 4, 0, 0, 10, 10},
                        new int[] {18, 1},
                        new float[] {96f, 800f},
                        new boolean[] {false, true}),
                "file:/c/val2017/000000000139.jpg");
        assertEquals(
                List.of(new CocoGt(139, 18, 4, 4, 12, 8, 96, false), new CocoGt(139, 1, 0, 0, 40, 20, 800, true)),
                ShardBoxes.groundTruth(r));
    }

    @Test
    void aSegmentationRecordHasNoGroundTruthBoxes() {
        ShardRecord r = new ShardRecord(
                "cityscapes/val/a/a_1",
                "cityscapes",
                "val",
                1,
                2,
                1024,
                2048,
                new byte[6],
                new SegmentationLabels(new byte[2]),
                "file:/a_1.png");
        assertEquals(
                "sample cityscapes/val/a/a_1 of dataset 'cityscapes' is labelled with a segmentation map, not boxes",
                assertThrows(IllegalArgumentException.class, () -> ShardBoxes.groundTruth(r))
                        .getMessage());
    }
}
