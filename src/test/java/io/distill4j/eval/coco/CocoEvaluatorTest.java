package io.distill4j.eval.coco;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made cases with every one of the twelve numbers worked out from the COCOeval rules.
 * Notation: precision at the i-th ranked detection is tp / (tp + fp + eps) with eps = 2^-52, so a
 * single true positive reads 1 - 2^-52 and "1" below is checked to 1e-12. The 101 recall
 * thresholds are r = 0.00, 0.01, ..., 1.00; a threshold above the highest recall reached gets 0.
 */
class CocoEvaluatorTest {
    private static final double TOL = 1e-12;
    private static final int CAT = 7;

    private static CocoGt gt(long image, double x, double y, double w, double h) {
        return new CocoGt(image, CAT, x, y, w, h, w * h, false);
    }

    private static CocoGt crowd(long image, double x, double y, double w, double h) {
        return new CocoGt(image, CAT, x, y, w, h, w * h, true);
    }

    private static CocoDetection det(long image, double x, double y, double w, double h, double score) {
        return new CocoDetection(image, CAT, x, y, w, h, score);
    }

    private static CocoStats eval(List<CocoGt> gts, List<CocoDetection> dts) {
        return CocoEvaluator.evaluate(List.of(1L, 2L), List.of(CAT), gts, dts);
    }

    private static void assertStats(double[] expected, CocoStats actual) {
        for (int i = 0; i < 12; i++) {
            assertEquals(expected[i], actual.get(i), TOL, CocoStats.NAMES.get(i));
        }
    }

    @Test
    void perfectDetectionsScoreOneAndAbsentAreaRangesMinusOne() {
        // large A (100x100 = 10000 > 96^2) and medium B (50x50 = 2500), no small object.
        List<CocoGt> gts = List.of(gt(1, 0, 0, 100, 100), gt(1, 200, 200, 50, 50));
        List<CocoDetection> dts = List.of(det(1, 0, 0, 100, 100, 0.9), det(1, 200, 200, 50, 50, 0.8));
        // every threshold: two TPs, precision [1-eps', 1] -> made monotone -> 1 at every recall.
        // small: no non-ignored gt -> -1. AR1: only the top detection per image -> 1 of 2 = 0.5.
        assertStats(new double[] {1, 1, 1, -1, 1, 1, 0.5, 1, 1, -1, 1, 1}, eval(gts, dts));
    }

    @Test
    void missedObjectHalvesRecallAndCutsPrecisionAtRecallHalf() {
        List<CocoGt> gts = List.of(gt(1, 0, 0, 100, 100), gt(1, 200, 200, 50, 50));
        List<CocoDetection> dts = List.of(det(1, 0, 0, 100, 100, 0.9));
        // all: rc = [0.5], pr = [1]: thresholds 0.00..0.50 (51 of 101) read 1, the rest 0 -> 51/101.
        // medium: B is the only gt; the detection matched the (ignored, large) A -> ignored: tp 0 -> 0.
        // large: A matched -> 1. AR: 1 of 2 = 0.5 for all, 0 medium, 1 large.
        double ap = 51.0 / 101;
        assertStats(new double[] {ap, ap, ap, -1, 0, 1, 0.5, 0.5, 0.5, -1, 0, 1}, eval(gts, dts));
    }

    @Test
    void duplicateDetectionIsAFalsePositiveOnceTheGtIsTaken() {
        // gt A = [0,0,100,100]; dup = [0,0,100,62] scores higher, IoU = 6200 / 10000 = 0.62.
        List<CocoGt> gts = List.of(gt(1, 0, 0, 100, 100));
        List<CocoDetection> dts = List.of(det(1, 0, 0, 100, 62, 0.95), det(1, 0, 0, 100, 100, 0.9));
        // t in {.50,.55,.60}: dup takes A (TP), the exact box finds A taken (FP): pr [1, .5] -> AP_t = 1.
        // t in {.65..95} (7): dup FP, exact TP: pr [0, .5] -> monotone [.5, .5] -> AP_t = 0.5.
        // AP = (3 * 1 + 7 * 0.5) / 10 = 0.65; AP50 = 1; AP75 = 0.5; small/medium have no gt -> -1.
        // large: where the dup is unmatched (t >= .65) its area 6200 is outside the large range, so
        // it is ignored rather than a false positive -> AP_large = 1.
        // AR1: only the dup counts: recall 1 at 3 thresholds, 0 at 7 -> 0.3; AR10 = AR100 = 1.
        assertStats(new double[] {0.65, 1, 0.5, -1, -1, 1, 0.3, 1, 1, -1, -1, 1}, eval(gts, dts));
    }

    @Test
    void detectionsOnACrowdRegionAreIgnoredNotFalsePositives() {
        List<CocoGt> gts = List.of(gt(1, 0, 0, 100, 100), crowd(1, 200, 0, 100, 100));
        List<CocoDetection> dts = List.of(
                det(1, 210, 10, 50, 50, 0.95), // inside the crowd: IoU = inter / det area = 1 -> ignored
                det(1, 0, 0, 100, 100, 0.9), // on A: TP
                det(1, 260, 60, 30, 30, 0.85)); // the same crowd again (crowds match many) -> ignored
        // Counting only the TP: pr = 1 at every recall -> AP 1. Were they FPs, AP would be 0.5.
        // AR1: the top detection is the ignored one, so maxDets=1 finds nothing -> 0.
        assertStats(new double[] {1, 1, 1, -1, -1, 1, 0, 1, 1, -1, -1, 1}, eval(gts, dts));
    }

    @Test
    void areaRangesSplitSmallMediumAndLargeByGtArea() {
        List<CocoGt> gts = List.of(gt(1, 0, 0, 20, 20), gt(1, 100, 100, 50, 50), gt(1, 200, 0, 200, 200));
        List<CocoDetection> dts = List.of(
                det(1, 500, 300, 10, 10, 0.95), // FP, area 100 (small)
                det(1, 0, 0, 20, 20, 0.9), // small S
                det(1, 200, 0, 200, 200, 0.8)); // large L; medium M is missed
        // all: FP, TP, TP: rc [0, 1/3, 2/3], pr [0, 1/2, 2/3] -> monotone 2/3 everywhere;
        //   r <= 2/3 is r = 0.00..0.66 (67 values) -> AP = 67 * (2/3) / 101 = 134/303.
        // small: L's detection matched the ignored L -> ignored; FP, TP: pr [0, .5] -> .5 at every r.
        // medium: FP is small and unmatched -> ignored, the others hit ignored gts: tp 0 -> AP 0, AR 0.
        // large: FP and S are ignored (out of range / ignored gt), L is TP -> 1.
        // AR1: the top detection is the FP -> 0. AR10 = AR100 = 2/3; small 1, medium 0, large 1.
        double ap = 134.0 / 303;
        assertStats(new double[] {ap, ap, ap, 0.5, 0, 1, 0, 2.0 / 3, 2.0 / 3, 1, 0, 1}, eval(gts, dts));
    }

    @Test
    void onlyTheHundredBestScoredDetectionsPerImageCount() {
        List<CocoGt> gts = List.of(gt(1, 0, 0, 100, 100));
        // 100 large false positives ranked above the exact detection: it is the 101st and is cut.
        List<CocoDetection> hundred = falsePositives(100);
        hundred.add(det(1, 0, 0, 100, 100, 0.5));
        assertStats(new double[] {0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1, 0}, eval(gts, hundred));
        // with 99 false positives it is the 100th: rc reaches 1 at rank 100 with precision 1/100,
        // which monotone-fills every recall threshold -> AP 0.01; AR10 still 0.
        List<CocoDetection> ninetyNine = falsePositives(99);
        ninetyNine.add(det(1, 0, 0, 100, 100, 0.5));
        assertStats(new double[] {0.01, 0.01, 0.01, -1, -1, 0.01, 0, 0, 1, -1, -1, 1}, eval(gts, ninetyNine));
    }

    private static List<CocoDetection> falsePositives(int n) {
        List<CocoDetection> dts = new ArrayList<>();
        for (int i = 0; i < n; i++) dts.add(det(1, 1000 + i * 200, 1000, 100, 100, 0.9));
        return dts;
    }

    @Test
    void handWorkedPrecisionRecallAcrossTwoImages() {
        // image 1: G1, G2; image 2: G3 (all large). Ranked: d1 .9 TP, d2 .8 FP, d4 .7 FP, d3 .6 TP, d5 .5 TP
        List<CocoGt> gts = List.of(gt(1, 0, 0, 100, 100), gt(1, 200, 0, 100, 100), gt(2, 0, 0, 100, 100));
        List<CocoDetection> dts = List.of(
                det(1, 0, 0, 100, 100, 0.9), // d1 -> G1
                det(1, 600, 600, 100, 100, 0.8), // d2 FP
                det(1, 200, 0, 100, 100, 0.6), // d3 -> G2
                det(2, 600, 600, 100, 100, 0.7), // d4 FP
                det(2, 0, 0, 100, 100, 0.5)); // d5 -> G3
        // tp 1,1,1,2,3  fp 0,1,2,2,2  npig 3
        // rc 1/3,1/3,1/3,2/3,1   pr 1, 1/2, 1/3, 2/4, 3/5 -> monotone from the right: 1, .6, .6, .6, .6
        // r = 0.00..0.33 (34 values): first rc >= r is index 0 -> 1
        // r = 0.34..1.00 (67 values): index 3 or 4 -> 0.6
        // AP_t = (34 * 1 + 67 * 0.6) / 101 = 74.2 / 101 at every t (exact boxes, far FPs)
        // AR1: top per image d1 (TP) and d4 (FP) -> 1/3. AR10 = AR100 = 1.
        double ap = 74.2 / 101;
        assertStats(new double[] {ap, ap, ap, -1, -1, ap, 1.0 / 3, 1, 1, -1, -1, 1}, eval(gts, dts));
    }

    @Test
    void matchesPycocotoolsBitForBitOnAGeneratedCase(@TempDir Path dir) throws Exception {
        Path gtFile = Files.writeString(dir.resolve("gt.json"), PycocotoolsFixture.GT);
        Path resFile = Files.writeString(dir.resolve("res.json"), PycocotoolsFixture.RESULTS);
        CocoStats stats = CocoEvaluator.evaluate(CocoGroundTruth.read(gtFile), CocoResultsJson.read(resFile));
        assertArrayEquals(PycocotoolsFixture.STATS, stats.stats(), 0.0);
        assertEquals(PycocotoolsFixture.SUMMARY, stats.summarize().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void detectionOnAnImageOutsideTheGroundTruthIsAnError() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> eval(List.of(gt(1, 0, 0, 10, 10)), List.of(det(99, 0, 0, 10, 10, 0.5))));
        assertTrue(e.getMessage().contains("image_id 99"), e.getMessage());
    }

    @Test
    void detectionsOfCategoriesOutsideTheGroundTruthAreNotCounted() {
        List<CocoGt> gts = List.of(gt(1, 0, 0, 100, 100));
        List<CocoDetection> dts =
                List.of(new CocoDetection(1, 99, 600, 600, 100, 100, 0.99), det(1, 0, 0, 100, 100, 0.5));
        assertEquals(1, eval(gts, dts).get("AP"), TOL);
    }

    @Test
    void summarizeRoundsLikePythonAndMetricsJsonKeepsMinusOne() throws Exception {
        // 0.1235 is really 0.12349999..., which Python prints as 0.123 (Java's %.3f would say 0.124)
        assertEquals("0.123", CocoStats.threeDecimals(0.1235));
        assertEquals("-1.000", CocoStats.threeDecimals(-1));
        double[] s = {0.5, 0.6, 0.7, -1, 0.1, 0.2, 0.3, 0.4, 0.45, -1, 0.25, 0.35};
        var json = io.distill4j.eval.MetricsJson.MAPPER.readTree(
                io.distill4j.eval.MetricsJson.toText(new CocoStats(s, Map.of()).toMetricsJson("student", "val2017")));
        assertEquals("detection", json.get("task").asText());
        assertEquals("student", json.get("model").asText());
        assertEquals("val2017", json.get("split").asText());
        assertEquals(12, json.get("stats").size());
        for (int i = 0; i < 12; i++) {
            assertEquals(s[i], json.get("stats").get(i).asDouble(), 0.0);
            assertEquals(s[i], json.get(CocoStats.NAMES.get(i)).asDouble(), 0.0);
        }
        assertEquals(-1, json.get("AP_small").asDouble());
    }
}
