package io.distill4j.eval.coco;

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

class CocoEvalCommandTest {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    private final CocoEvalCommand command = new CocoEvalCommand(out, err);

    /** Runs the command as {@code jobs/distill4j} does, with its exit codes and error lines. */
    private int run(List<String> args) {
        return Cli.execute(command, args, out, err);
    }

    @Test
    void printsSummaryAndWritesFullPrecisionStats(@TempDir Path dir) throws Exception {
        Path gt = Files.writeString(dir.resolve("instances_val.json"), PycocotoolsFixture.GT);
        Path res = Files.writeString(dir.resolve("detections.json"), PycocotoolsFixture.RESULTS);
        Path out = dir.resolve("stats.json");
        int rc = run(List.of("--gt", gt.toString(), "--results", res.toString(), "--out", out.toString()));
        assertEquals(0, rc, stderr.toString());
        assertTrue(stdout.toString(StandardCharsets.UTF_8)
                .replace(System.lineSeparator(), "\n")
                .startsWith(PycocotoolsFixture.SUMMARY));
        JsonNode json = MetricsJson.read(out);
        assertEquals("detection", json.get("task").asText());
        for (int i = 0; i < 12; i++) {
            assertEquals(PycocotoolsFixture.STATS[i], json.get("stats").get(i).asDouble(), 0.0);
        }
        assertEquals(PycocotoolsFixture.STATS[1], json.get("AP50").asDouble(), 0.0);
    }

    @Test
    void malformedResultsJsonNamesTheFile(@TempDir Path dir) throws Exception {
        Path gt = Files.writeString(dir.resolve("gt.json"), PycocotoolsFixture.GT);
        Path res = Files.writeString(dir.resolve("broken.json"), "[{\"image_id\": 1, ");
        assertEquals(1, run(List.of("--gt", gt.toString(), "--results", res.toString())));
        assertTrue(stderr.toString().contains("broken.json: malformed JSON"), stderr.toString());
    }

    @Test
    void malformedGroundTruthNamesTheFile(@TempDir Path dir) throws Exception {
        Path gt = Files.writeString(dir.resolve("bad_gt.json"), "{\"images\": [}");
        Path res = Files.writeString(dir.resolve("res.json"), "[]");
        assertEquals(1, run(List.of("--gt", gt.toString(), "--results", res.toString())));
        assertTrue(stderr.toString().contains("bad_gt.json: malformed JSON"), stderr.toString());
    }

    @Test
    void resultsWhoseCategoriesAreAllAbsentFromTheGroundTruthAreRefused(@TempDir Path dir) throws Exception {
        Path gt = Files.writeString(dir.resolve("gt.json"), PycocotoolsFixture.GT);
        // Contiguous indices (0, 1) where the ground truth has ids 48 and 49: another label map.
        Path res = Files.writeString(
                dir.resolve("res.json"),
                "[{\"image_id\": 718, \"category_id\": 0, \"bbox\": [0, 0, 1, 1], \"score\": 0.5},"
                        + " {\"image_id\": 718, \"category_id\": 1, \"bbox\": [0, 0, 2, 2], \"score\": 0.4}]");
        assertEquals(1, run(List.of("--gt", gt.toString(), "--results", res.toString())));
        String e = stderr.toString().trim();
        assertEquals(1, e.lines().count(), e);
        assertTrue(
                e.startsWith("coco-eval: " + res + ": none of the 2 results has a category_id of the ground truth "
                        + "(results use [0, 1]; ground truth has [48, 49])"),
                e);
        // One category in common is enough: the others are dropped as pycocotools drops them.
        Files.writeString(
                res,
                "[{\"image_id\": 718, \"category_id\": 0, \"bbox\": [0, 0, 1, 1], \"score\": 0.5},"
                        + " {\"image_id\": 718, \"category_id\": 49, \"bbox\": [0, 0, 2, 2], \"score\": 0.4}]");
        assertEquals(0, run(List.of("--gt", gt.toString(), "--results", res.toString())));
    }

    @Test
    void resultOnAnUnknownImageNamesTheResultsFileAndImage(@TempDir Path dir) throws Exception {
        Path gt = Files.writeString(dir.resolve("gt.json"), PycocotoolsFixture.GT);
        Path res = Files.writeString(
                dir.resolve("res.json"),
                "[{\"image_id\": 424242, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}]");
        assertEquals(1, run(List.of("--gt", gt.toString(), "--results", res.toString())));
        String e = stderr.toString();
        assertTrue(e.contains("res.json") && e.contains("image_id 424242"), e);
    }

    @Test
    void resultsJsonRoundTripsWithTheCocoSchema(@TempDir Path dir) throws Exception {
        List<CocoDetection> dets = List.of(
                new CocoDetection(397133, 18, 1.5, 2.25, 30.125, 40.0, 0.987654321),
                new CocoDetection(1, 90, 0, 0, 1e-3, 7, 1e-9));
        Path file = dir.resolve("results/detections.json");
        CocoResultsJson.write(dets, file);
        assertEquals(dets, CocoResultsJson.read(file));
        JsonNode first = MetricsJson.MAPPER.readTree(file.toFile()).get(0);
        assertEquals(List.of("image_id", "category_id", "bbox", "score"), fieldNames(first));
        assertTrue(first.get("image_id").isIntegralNumber());
        assertEquals(4, first.get("bbox").size());
    }

    @Test
    void resultWithoutScoreNamesTheElement(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(
                dir.resolve("r.json"),
                "[{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,1,1],\"score\":0.1},{\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,1,1]}]");
        var e = assertThrows(java.io.IOException.class, () -> CocoResultsJson.read(file));
        assertTrue(e.getMessage().contains("element 1") && e.getMessage().contains("score"), e.getMessage());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
