package io.distill4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distill4j.data.DetectionLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.detect.CenterNetTargets;
import io.distill4j.train.DetectionExamples;
import org.junit.jupiter.api.Test;

class ViewBoxesTest {
    static ShardRecord coco(float[] boxes, int[] ids) {
        int n = ids.length;
        return new ShardRecord(
                "coco/train2017/1",
                "coco",
                "train2017",
                32,
                32,
                64,
                64,
                new byte[3 * 32 * 32],
                new DetectionLabels(139, boxes, ids, new float[n], new boolean[n]),
                "file:/x.jpg");
    }

    @Test
    void boxesAreMirroredRescaledClippedAndDroppedUnderAQuarterVisible() {
        float[] boxes = {
            2, 4, 8, 6, // inside
            -6, 0, 8, 8, // 2 of 8 columns visible in the image itself: moved by the crop below
            20, 20, 10, 10
        }; // partly outside the crop below
        ViewBoxes.Moved flip = ViewBoxes.apply(boxes, new View(0, 0, 32, 32, 32, 32, true));
        assertArrayEquals(new int[] {0, 1, 2}, flip.kept());
        assertArrayEquals(new float[] {22, 4, 8, 6, 30, 0, 2, 8, 2, 20, 10, 10}, flip.boxes());

        // A 16x16 crop at (8, 8) rescaled by 2 to 32x32: box 0 keeps x 8..10, y 8..10 of its 8x6
        // (4 of 48 shard pixels), box 1 nothing, box 2 x and y 20..24 (16 of 100): all dropped.
        ViewBoxes.Moved crop = ViewBoxes.apply(boxes, new View(8, 8, 16, 16, 32, 32, false));
        assertEquals(0, crop.kept().length);
        // The same crop at (6, 0): box 0 keeps x 2..10 (all), y 6..10 of 4..10 (2/3): kept, clipped.
        ViewBoxes.Moved keep = ViewBoxes.apply(boxes, new View(6, 0, 16, 16, 32, 32, false));
        assertArrayEquals(new int[] {0}, keep.kept());
        assertArrayEquals(new float[] {4, 0, 16, 8}, keep.boxes());
        // Box 1: x -6..2 clipped to 0..2, a quarter of it: exactly the threshold, kept.
        ViewBoxes.Moved edge = ViewBoxes.apply(new float[] {-6, 0, 8, 8}, new View(0, 0, 32, 32, 32, 32, false));
        assertArrayEquals(new float[] {0, 0, 2, 8}, edge.boxes());
        ViewBoxes.Moved under = ViewBoxes.apply(new float[] {-6.5f, 0, 8, 8}, new View(0, 0, 32, 32, 32, 32, false));
        assertEquals(0, under.kept().length);
    }

    @Test
    void centerNetTargetsFollowTheFlip() {
        // Centre at x = 6 (cell 1.5 at stride 4): its mirror centre x = 26 is cell 6.5, the mirrored cell.
        ShardRecord r = coco(new float[] {2, 9, 8, 10}, new int[] {3});
        int[] categories = {1, 3};
        CenterNetTargets.Targets t = DetectionExamples.targets(r, categories, 4);
        CenterNetTargets.Targets f =
                DetectionExamples.targets(ViewedSample.of(r, new View(0, 0, 32, 32, 32, 32, true)), categories, 4);
        int h = t.height(), w = t.width(), hw = h * w;
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(
                            t.heatmap()[c * hw + y * w + x],
                            f.heatmap()[c * hw + y * w + w - 1 - x],
                            0f,
                            "heatmap " + c + "," + y + "," + x);
                }
            }
        }
        int cell = 3 * w + 1, mirrored = 3 * w + 6; // centre y = 14 -> row 3.5
        assertEquals(1f, t.mask()[cell]);
        assertEquals(1f, f.mask()[mirrored]);
        for (int k = 0; k < 4; k++)
            assertEquals(t.reg()[k * hw + cell], f.reg()[k * hw + mirrored], 1e-6f, "reg channel " + k);
    }

    @Test
    void centerNetTargetsFollowTheCrop() {
        // A box seen through a crop at (8, 8) of scale 1 has the targets of the box moved by (-8, -8).
        ShardRecord r = coco(new float[] {10, 12, 8, 6, 0, 0, 4, 4}, new int[] {1, 1});
        ShardRecord viewed = ViewedSample.of(r, new View(8, 8, 16, 16, 16, 16, false));
        assertArrayEquals(new float[] {2, 4, 8, 6}, viewed.detection().boxes(), "the second box is outside the crop");
        assertEquals(139, viewed.detection().imageId(), "a view is of the same COCO image");
        ShardRecord moved = new ShardRecord(
                "m",
                "coco",
                "train2017",
                16,
                16,
                64,
                64,
                new byte[3 * 16 * 16],
                new DetectionLabels(1, new float[] {2, 4, 8, 6}, new int[] {1}, new float[1], new boolean[1]),
                "file:/x.jpg");
        int[] categories = {1};
        CenterNetTargets.Targets a = DetectionExamples.targets(viewed, categories, 4);
        CenterNetTargets.Targets b = DetectionExamples.targets(moved, categories, 4);
        assertArrayEquals(b.heatmap(), a.heatmap());
        assertArrayEquals(b.reg(), a.reg());
        assertArrayEquals(b.mask(), a.mask());
    }
}
