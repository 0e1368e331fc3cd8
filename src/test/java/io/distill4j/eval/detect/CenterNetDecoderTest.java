package io.distill4j.eval.detect;

import static org.junit.jupiter.api.Assertions.*;

import io.distill4j.eval.coco.CocoDetection;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class CenterNetDecoderTest {
    private static final int STRIDE = 4;
    private static final int IN_H = 64;
    private static final int IN_W = 96;
    private static final int[] COCO_IDS = {1, 18, 90};

    private static float[] toLogits(float[] probs) {
        float[] z = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            double p = Math.min(Math.max(probs[i], 1e-6), 1 - 1e-6);
            z[i] = (float) Math.log(p / (1 - p));
        }
        return z;
    }

    @Test
    void decodeOfEncodedTargetsRecoversTheBoxes() {
        double[][] boxes = {{10.5, 6.25, 30, 20}, {50, 30, 40, 30}, {70, 4, 12, 16}};
        int[] cls = {0, 2, 0};
        CenterNetTargets.Targets t = CenterNetTargets.encode(boxes, cls, 3, IN_H, IN_W, STRIDE);
        // original image twice the input size in x, 1.5x in y
        double sx = 2.0;
        double sy = 1.5;
        List<CocoDetection> dets = new CenterNetDecoder(COCO_IDS, STRIDE, 100, 0.5)
                .decode(7, toLogits(t.heatmap()), t.reg(), t.height(), t.width(), sx, sy);
        assertEquals(3, dets.size(), "only the three peaks pass 0.5: " + dets);
        dets = dets.stream()
                .sorted(Comparator.comparingDouble(CocoDetection::x))
                .toList();
        double[][] expected = {boxes[0], boxes[1], boxes[2]};
        int[] expectedCats = {1, 90, 1};
        for (int i = 0; i < 3; i++) {
            CocoDetection d = dets.get(i);
            assertEquals(7, d.imageId());
            assertEquals(expectedCats[i], d.categoryId());
            assertEquals(expected[i][0] * sx, d.x(), 1e-3);
            assertEquals(expected[i][1] * sy, d.y(), 1e-3);
            assertEquals(expected[i][2] * sx, d.w(), 1e-3);
            assertEquals(expected[i][3] * sy, d.h(), 1e-3);
            assertTrue(d.score() > 0.99, "peak score " + d.score());
        }
    }

    @Test
    void heatmapPeaksAreExactlyOneAtTheCentreCellWithMaskAndOffsets() {
        CenterNetTargets.Targets t =
                CenterNetTargets.encode(new double[][] {{10, 10, 20, 12}}, new int[] {1}, 2, IN_H, IN_W, STRIDE);
        // centre (20, 16) px -> (5.0, 4.0) cells
        int w = t.width();
        int hw = t.height() * w;
        int cell = 4 * w + 5;
        assertEquals(1f, t.heatmap()[hw + cell]);
        assertEquals(0f, t.heatmap()[cell], "other class untouched");
        assertTrue(t.heatmap()[hw + cell + 1] < 1f && t.heatmap()[hw + cell + 1] > 0f, "gaussian falls off");
        assertEquals(1f, t.mask()[cell]);
        assertEquals(1f, sum(t.mask()));
        assertEquals(5f, t.reg()[cell]); // 20 px / 4
        assertEquals(3f, t.reg()[hw + cell]); // 12 px / 4
        assertEquals(0f, t.reg()[2 * hw + cell]);
        assertEquals(0f, t.reg()[3 * hw + cell]);
    }

    @Test
    void gaussianRadiusFollowsCenterNetsRule() {
        // CenterNet gaussian_radius((h, w) = (10, 10), 0.7): r1 = 19.07.., r2 = 36.73.., r3 = 2.73.. is the smallest
        double r = CenterNetTargets.gaussianRadius(10, 10, 0.7);
        double b3 = -2 * 0.7 * 20;
        double expected = (b3 + Math.sqrt(b3 * b3 - 4 * (4 * 0.7) * (-0.3 * 100))) / 2;
        assertEquals(expected, r, 1e-12);
        assertEquals(2, (int) r);
    }

    @Test
    void topKAndThresholdLimitTheDetections() {
        // 1 class, 4x4 grid: four isolated peaks with logits 3, 2, 1, -1 (sigmoid .95 .88 .73 .27)
        float[] heat = new float[16];
        java.util.Arrays.fill(heat, -10f);
        heat[0] = 3f;
        heat[3] = 2f;
        heat[12] = 1f;
        heat[15] = -1f;
        float[] reg = new float[64];
        java.util.Arrays.fill(reg, 0, 32, 1f); // 1x1 cell boxes
        CenterNetDecoder decoder = new CenterNetDecoder(new int[] {5}, 1, 2, 0.0);
        List<CocoDetection> top2 = decoder.decode(1, heat, reg, 4, 4, 1, 1);
        assertEquals(2, top2.size());
        assertEquals(CenterNetDecoder.sigmoid(3), top2.get(0).score(), 1e-12);
        assertEquals(3 - 0.5, top2.get(1).x(), 1e-12, "peak at cell (3, 0): centre 3, box 1 wide");
        List<CocoDetection> thresholded =
                new CenterNetDecoder(new int[] {5}, 1, 100, 0.5).decode(1, heat, reg, 4, 4, 1, 1);
        assertEquals(3, thresholded.size());
    }

    @Test
    void shapeMismatchIsRejected() {
        CenterNetDecoder decoder = new CenterNetDecoder(COCO_IDS, STRIDE, 10, 0.1);
        assertThrows(
                IllegalArgumentException.class, () -> decoder.decode(1, new float[10], new float[4 * 4], 2, 2, 1, 1));
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) s += v;
        return s;
    }
}
