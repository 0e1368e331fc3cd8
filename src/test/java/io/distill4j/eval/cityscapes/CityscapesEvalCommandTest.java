package io.distill4j.eval.cityscapes;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.cli.Cli;
import io.distill4j.eval.MetricsJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CityscapesEvalCommandTest {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    private final CityscapesEvalCommand command = new CityscapesEvalCommand(out, err);

    /** Runs the command as {@code jobs/distill4j} does, with its exit codes and error lines. */
    private int run(List<String> args) {
        return Cli.execute(command, args, out, err);
    }

    /** 4x2 label maps of labelIds: 7 road (trainId 0), 26 car (13), 0 unlabeled (ignored). */
    private static void writeSplit(Path gt, Path pred) throws Exception {
        Files.createDirectories(gt.resolve("aachen"));
        Files.createDirectories(gt.resolve("bonn"));
        Files.createDirectories(pred.resolve("any/depth"));
        // aachen: gt road road car car / road 0 car car ; prediction road car car car / road car car road
        LabelPng.write(gt.resolve("aachen/aachen_000000_000019_gtFine_labelIds.png"), 4, 2, new byte[] {
            7, 7, 26, 26, 7, 0, 26, 26
        });
        LabelPng.write(
                pred.resolve("aachen_000000_000019_leftImg8bit_pred.png"), 4, 2, new byte[] {7, 26, 26, 26, 7, 26, 26, 7
                });
        // bonn: all road, predicted all road (prediction in a nested folder)
        LabelPng.write(gt.resolve("bonn/bonn_000001_000002_gtFine_labelIds.png"), 2, 1, new byte[] {7, 7});
        LabelPng.write(pred.resolve("any/depth/bonn_000001_000002.png"), 2, 1, new byte[] {7, 7});
    }

    @Test
    void computesSplitWideIouFromLabelIdPngs(@TempDir Path dir) throws Exception {
        Path gt = dir.resolve("gtFine/val");
        Path pred = dir.resolve("pred");
        writeSplit(gt, pred);
        Path out = dir.resolve("report/metrics.json");
        int rc = run(List.of(
                "--gt", gt.toString(), "--pred", pred.toString(), "--out", out.toString(), "--model", "student"));
        assertEquals(0, rc, stderr.toString());
        // road: gt 3 (aachen; one ignored pixel skipped) + 2 (bonn); TP 2 + 2; FN 1 (-> car); FP 1 (car -> road)
        //   IoU = 4 / (4 + 1 + 1) = 2/3
        // car: gt 4, TP 3, FN 1, FP 1 -> 3/5
        JsonNode json = MetricsJson.read(out);
        assertEquals("student", json.get("model").asText());
        assertEquals("val", json.get("split").asText());
        assertEquals(2.0 / 3, json.get("iou").get("road").asDouble(), 1e-12);
        assertEquals(0.6, json.get("iou").get("car").asDouble(), 1e-12);
        assertTrue(json.get("iou").get("sky").isNull(), "absent class is null");
        assertEquals((2.0 / 3 + 0.6) / 2, json.get("miou").asDouble(), 1e-12);
        assertEquals(19, json.get("iou").size());
        String table = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("mIoU"), table);
        assertTrue(table.contains("66.67"), table);
    }

    @Test
    void trainIdPredictionsAreRefusedNotScored(@TempDir Path dir) throws Exception {
        Path gt = dir.resolve("gt");
        Path pred = dir.resolve("pred");
        writeSplit(gt, pred);
        // The same scene written as trainIds: sidewalk 1, building 2, car 13, sky 10.
        LabelPng.write(
                pred.resolve("aachen_000000_000019_leftImg8bit_pred.png"), 4, 2, new byte[] {1, 2, 13, 13, 2, 10, 13, 10
                });
        LabelPng.write(pred.resolve("any/depth/bonn_000001_000002.png"), 2, 1, new byte[] {0, 0});
        assertEquals(1, run(List.of("--gt", gt.toString(), "--pred", pred.toString())));
        String e = stderr.toString().trim();
        assertEquals(1, e.lines().count(), e);
        assertTrue(
                e.startsWith(
                        "cityscapes-eval: --pred " + pred + ": the predictions look like trainIds, not labelIds: "
                                + "every value is in 0..18 and 50.0% of the pixels carry labelIds Cityscapes does not evaluate (1, 2, 10)"),
                e);
    }

    @Test
    void predictionWithoutGroundTruthIsScoredWithoutItAndListed(@TempDir Path dir) throws Exception {
        Path gt = dir.resolve("gtFine/val");
        Path pred = dir.resolve("pred");
        writeSplit(gt, pred);
        // cologne's label was deleted from the ground truth; its prediction stays.
        LabelPng.write(pred.resolve("cologne_000003_000004_leftImg8bit.png"), 2, 1, new byte[] {7, 26});
        Path out = dir.resolve("metrics.json");
        assertEquals(0, run(List.of("--gt", gt.toString(), "--pred", pred.toString(), "--out", out.toString())));
        String e = stderr.toString().trim();
        assertEquals(
                "cityscapes-eval: warning: 1 prediction has no ground truth and was not scored (a deleted label, or "
                        + "another split?): cologne_000003_000004_leftImg8bit.png; all are listed under \"unscored_predictions\" in "
                        + out,
                e);
        JsonNode json = MetricsJson.read(out);
        assertEquals(
                pred.resolve("cologne_000003_000004_leftImg8bit.png").toString(),
                json.get("unscored_predictions").get(0).asText());
        assertEquals((2.0 / 3 + 0.6) / 2, json.get("miou").asDouble(), 1e-12, "the same scores as without it");
    }

    @Test
    void missingPredictionIsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Path gt = dir.resolve("gt");
        Path pred = dir.resolve("pred");
        writeSplit(gt, pred);
        Files.delete(pred.resolve("any/depth/bonn_000001_000002.png"));
        assertEquals(1, run(List.of("--gt", gt.toString(), "--pred", pred.toString())));
        assertTrue(stderr.toString().contains("bonn_000001_000002_gtFine_labelIds.png"), stderr.toString());
    }

    @Test
    void sizeMismatchIsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Path gt = dir.resolve("gt");
        Path pred = dir.resolve("pred");
        writeSplit(gt, pred);
        LabelPng.write(pred.resolve("any/depth/bonn_000001_000002.png"), 3, 1, new byte[] {7, 7, 7});
        assertEquals(1, run(List.of("--gt", gt.toString(), "--pred", pred.toString())));
        assertTrue(stderr.toString().contains("bonn_000001_000002.png: size 3x1"), stderr.toString());
    }

    @Test
    void missingOptionPrintsUsage() throws Exception {
        assertEquals(2, run(List.of("--gt", "x")));
        assertTrue(stderr.toString().contains("missing --pred"));
    }
}
