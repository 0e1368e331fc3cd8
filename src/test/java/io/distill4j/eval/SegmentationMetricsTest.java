package io.distill4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.commons.lang3.SerializationUtils;
import org.junit.jupiter.api.Test;

class SegmentationMetricsTest {
    private static final byte I = (byte) 255;
    private static final List<String> NAMES = List.of("a", "b", "c", "d");

    /** Four classes, nine pixels, two of them ignored; the expected counts are in the comments. */
    private static SegmentationMetrics handMade() {
        byte[] gt = {0, 0, 0, 1, 1, 1, 1, I, I};
        byte[] pred = {0, 0, 1, 1, 1, 0, 2, 3, 2};
        // class 0: TP=2 (px0,1), FN=1 (px2), FP=1 (px5) -> 2/4 = 0.5
        // class 1: TP=2 (px3,4), FN=2 (px5,6), FP=1 (px2) -> 2/5 = 0.4
        // class 2: TP=0, FP=1 (px6) -> 0/1 = 0 ; px8 is ignored
        // class 3: only at ignored px7 -> absent -> NaN
        return new SegmentationMetrics(4).add(gt, pred);
    }

    @Test
    void iouCountsTpFpFnAndSkipsIgnorePixels() {
        double[] iou = handMade().iou();
        assertEquals(0.5, iou[0], 1e-15);
        assertEquals(0.4, iou[1], 1e-15);
        assertEquals(0.0, iou[2], 0.0, "a class only in the prediction has IoU 0");
        assertTrue(Double.isNaN(iou[3]), "a class absent from both is NaN");
    }

    @Test
    void meanIouLeavesNanClassesOut() {
        // (0.5 + 0.4 + 0) / 3, class 3 excluded
        assertEquals(0.3, handMade().meanIou(), 1e-15);
    }

    @Test
    void pixelAccuracyCountsOnlyEvaluatedPixels() {
        // 4 correct of 7 non-ignored pixels
        assertEquals(4.0 / 7, handMade().pixelAccuracy(), 1e-15);
        assertEquals(7, handMade().totalPixels());
    }

    @Test
    void predictingAnUnevaluatedLabelIsAMissForTheGtClassOnly() {
        // gt 0,0 predicted 0,255: class 0 TP 1, FN 1 -> 0.5; no class gains a false positive
        SegmentationMetrics m = new SegmentationMetrics(2).add(new byte[] {0, 0, 1}, new byte[] {0, I, 1});
        assertEquals(0.5, m.iou()[0], 1e-15);
        assertEquals(1.0, m.iou()[1], 1e-15);
        assertEquals(2.0 / 3, m.pixelAccuracy(), 1e-15);
    }

    @Test
    void mergeEqualsCountingEverythingInOneMatrix() throws Exception {
        byte[] gt1 = {0, 1, 2};
        byte[] pr1 = {0, 2, 2};
        byte[] gt2 = {3, 3, I};
        byte[] pr2 = {3, 0, 1};
        SegmentationMetrics a = new SegmentationMetrics(4).add(gt1, pr1);
        SegmentationMetrics b = new SegmentationMetrics(4).add(gt2, pr2);
        // survives Java serialization (as a Spark accumulator value would)
        SegmentationMetrics bCopy = SerializationUtils.roundtrip(b);
        SegmentationMetrics merged = a.merge(bCopy);
        SegmentationMetrics whole =
                new SegmentationMetrics(4).add(new byte[] {0, 1, 2, 3, 3, I}, new byte[] {0, 2, 2, 3, 0, 1});
        assertArrayEquals(whole.iou(), merged.iou());
        assertEquals(whole.totalPixels(), merged.totalPixels());
    }

    @Test
    void labelsOutsideTheClassRangeAreRejected() {
        var m = new SegmentationMetrics(4);
        var e = assertThrows(IllegalArgumentException.class, () -> m.add(new byte[] {0, 7}, new byte[] {0, 0}));
        assertTrue(e.getMessage().contains("pixel 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.add(new byte[] {0}, new byte[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> m.merge(new SegmentationMetrics(3)));
    }

    @Test
    void metricsJsonHasTheContractShapeWithNullForNan() throws Exception {
        JsonNode json =
                MetricsJson.MAPPER.readTree(MetricsJson.toText(handMade().toMetricsJson("student", "val", NAMES)));
        assertEquals("segmentation", json.get("task").asText());
        assertEquals("student", json.get("model").asText());
        assertEquals("val", json.get("split").asText());
        assertEquals(0.3, json.get("miou").asDouble(), 1e-15);
        assertEquals(4.0 / 7, json.get("pixel_accuracy").asDouble(), 1e-15);
        JsonNode iou = json.get("iou");
        assertEquals(List.of("a", "b", "c", "d"), iterableNames(iou));
        assertEquals(0.5, iou.get("a").asDouble());
        assertTrue(iou.get("d").isNull(), "NaN must be written as JSON null");
        assertEquals(List.of("task", "model", "split", "miou", "pixel_accuracy", "iou"), iterableNames(json));
    }

    private static List<String> iterableNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
