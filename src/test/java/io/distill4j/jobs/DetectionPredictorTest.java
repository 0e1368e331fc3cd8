package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.DetectionLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.coco.CocoDetection;
import io.distill4j.eval.coco.CocoEvaluator;
import io.distill4j.eval.coco.CocoGroundTruth;
import io.distill4j.eval.coco.CocoGt;
import io.distill4j.eval.coco.CocoResultsJson;
import io.distill4j.eval.coco.CocoStats;
import io.distill4j.eval.detect.CenterNetTargets;
import io.distill4j.eval.detect.ShardBoxes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decode -> results JSON -> COCOeval path of the evaluate job, without Spark or a network. */
class DetectionPredictorTest {
    private static final int H = 64;
    private static final int W = 96;
    private static final int STRIDE = 4;
    private static final int[] CATEGORY_IDS = {1, 18, 90};
    private static final Map<Integer, String> NAMES = Map.of(1, "person", 18, "dog", 90, "toothbrush");

    @TempDir
    Path tmp;

    /** A 64x96 shard record of an image of origH x origW whose boxes are given in ORIGINAL pixels. */
    private static ShardRecord record(long imageId, int origH, int origW, double[][] origBoxes, int[] categoryIds) {
        double sx = (double) origW / W;
        double sy = (double) origH / H;
        float[] boxes = new float[4 * origBoxes.length];
        float[] areas = new float[origBoxes.length];
        for (int i = 0; i < origBoxes.length; i++) {
            boxes[4 * i] = (float) (origBoxes[i][0] / sx);
            boxes[4 * i + 1] = (float) (origBoxes[i][1] / sy);
            boxes[4 * i + 2] = (float) (origBoxes[i][2] / sx);
            boxes[4 * i + 3] = (float) (origBoxes[i][3] / sy);
            areas[i] = (float) (origBoxes[i][2] * origBoxes[i][3]);
        }
        return new ShardRecord(
                "coco/val2017/" + imageId,
                "coco",
                "val2017",
                H,
                W,
                origH,
                origW,
                new byte[3 * H * W],
                new DetectionLabels(imageId, boxes, categoryIds, areas, new boolean[origBoxes.length]),
                "file:/coco/val2017/" + imageId + ".jpg");
    }

    /** The head output a perfect model gives: the ground-truth heatmap as logits and the exact regression. */
    private static List<CocoDetection> perfectOutputDecoded(DetectionPredictor predictor, ShardRecord r) {
        float[] b = r.detection().boxes();
        double[][] boxes = new double[r.detection().objectCount()][];
        int[] classes = new int[r.detection().objectCount()];
        for (int i = 0; i < boxes.length; i++) {
            boxes[i] = new double[] {b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]};
            classes[i] = java.util.Arrays.stream(CATEGORY_IDS)
                    .boxed()
                    .toList()
                    .indexOf(r.detection().categoryIds()[i]);
        }
        CenterNetTargets.Targets t = CenterNetTargets.encode(boxes, classes, CATEGORY_IDS.length, H, W, STRIDE);
        float[] logits = new float[t.heatmap().length];
        for (int i = 0; i < logits.length; i++) {
            double p = Math.min(Math.max(t.heatmap()[i], 1e-6), 1 - 1e-6);
            logits[i] = (float) Math.log(p / (1 - p));
        }
        return predictor.decode(r, logits, t.reg(), t.height(), t.width());
    }

    @Test
    void groundTruthHeatmapDecodesToApOneInOriginalPixelsAndCategoryIds() throws Exception {
        double[][] boxesA = {{40, 32, 120, 96}, {200, 120, 64, 100}, {300, 8, 48, 40}};
        double[][] boxesB = {{15, 20, 60, 40}, {90, 60, 36, 52}};
        ShardRecord a = record(42, 256, 384, boxesA, new int[] {1, 90, 18}); // 4x larger in both axes
        ShardRecord b = record(7, 128, 144, boxesB, new int[] {18, 18}); // 1.5x in x, 2x in y
        DetectionPredictor predictor = new DetectionPredictor(CATEGORY_IDS, 100, 0.01);
        List<CocoDetection> dets = new ArrayList<>(perfectOutputDecoded(predictor, a));
        dets.addAll(perfectOutputDecoded(predictor, b));
        assertEquals(5, dets.size(), "one detection per object, nothing from the background: " + dets);
        for (double[][] boxes : List.of(boxesA, boxesB)) {
            for (double[] box : boxes) {
                assertTrue(
                        dets.stream()
                                .anyMatch(d -> Math.abs(d.x() - box[0]) < 1e-3
                                        && Math.abs(d.y() - box[1]) < 1e-3
                                        && Math.abs(d.w() - box[2]) < 1e-3
                                        && Math.abs(d.h() - box[3]) < 1e-3),
                        "a detection at the original-pixel box " + java.util.Arrays.toString(box) + " in " + dets);
            }
        }

        Path file = tmp.resolve("detections.json");
        CocoResultsJson.write(dets, file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals(5, json.size());
        for (JsonNode d : json) {
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) keys.add(it.next());
            assertEquals(List.of("image_id", "category_id", "bbox", "score"), keys, d.toString());
            assertTrue(Set.of(42L, 7L).contains(d.get("image_id").asLong()), d.toString());
            assertTrue(Set.of(1, 18, 90).contains(d.get("category_id").asInt()), "an original COCO category id: " + d);
            assertEquals(4, d.get("bbox").size());
            assertTrue(d.get("score").asDouble() > 0.99, d.toString());
        }

        List<CocoGt> gt = new ArrayList<>(ShardBoxes.groundTruth(a));
        gt.addAll(ShardBoxes.groundTruth(b));
        CocoStats stats =
                CocoEvaluator.evaluate(CocoGroundTruth.of(List.of(7L, 42L), NAMES, gt), CocoResultsJson.read(file));
        // AR1 is below 1 by design: image 7 has two dogs and AR1 allows one detection per image and category.
        for (String name : List.of("AP", "AP50", "AP75", "AP_medium", "AP_large", "AR10", "AR100")) {
            assertEquals(1.0, stats.get(name), 1e-12, name + "\n" + stats.summarize());
        }
    }

    @Test
    void groundTruthComesBackInOriginalPixels() {
        ShardRecord r = record(3, 128, 144, new double[][] {{15, 20, 60, 40}}, new int[] {90});
        CocoGt g = ShardBoxes.groundTruth(r).get(0);
        assertEquals(new CocoGt(3, 90, 15, 20, 60, 40, 2400, false), g);
    }

    @Test
    void aHeadGridThatIsNotOneStrideOfTheInputIsRefused() {
        ShardRecord r = record(3, 128, 144, new double[][] {{15, 20, 60, 40}}, new int[] {90});
        DetectionPredictor predictor = new DetectionPredictor(CATEGORY_IDS, 100, 0.01);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> predictor.decode(r, new float[3 * 16 * 12], new float[4 * 16 * 12], 16, 12));
        assertTrue(e.getMessage().contains(r.sampleId()), e.getMessage());
    }
}
