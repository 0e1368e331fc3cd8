package io.distill4j.eval.report;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.eval.MetricsJson;
import io.distill4j.eval.coco.CocoStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonPageTest {
    private static final String TABLE =
            """
            | model | seeds | mIoU | pixel acc | mIoU vs baseline | s/epoch | time vs baseline | teacher cache B/sample | distillation terms |
            |---|---:|---:|---:|---:|---:|---:|---:|---|
            | teacher | 1 | 53.80 | 91.69 |  |  |  |  | (teacher) |
            | baseline | 2 | 49.00 ± 0.50 | 91.18 | +0.00 | 1.1 | 1.00x | 0 | none |
            | kd-cwd | 2 | 50.50 ± 0.50 | 91.39 | +1.50 | 1.2 | 1.09x | 19456 | cwd(w=1.0, tau=4.0) |
            """;

    private static ObjectNode seg(String model, double road, double car) {
        ObjectNode n = MetricsJson.MAPPER.createObjectNode();
        n.put("task", "segmentation")
                .put("model", model)
                .put("split", "val")
                .put("miou", (road + car) / 2)
                .put("pixel_accuracy", 0.9);
        ObjectNode iou = n.putObject("iou");
        iou.put("road", road);
        iou.putNull("sidewalk");
        iou.put("car", car);
        return n;
    }

    private static ComparisonPage.Run run(String id, double road, double car, double lossAtEnd, Double validation) {
        List<double[]> loss = List.of(new double[] {1, 2.0}, new double[] {2, lossAtEnd});
        List<double[]> val = validation == null
                ? List.of()
                : List.of(new double[] {1, validation / 2}, new double[] {2, validation});
        return new ComparisonPage.Run(id, "../runs/" + id + "/report/index.html", seg(id, road, car), loss, val);
    }

    @Test
    void pageCarriesTheConsoleTableLinksCurvesAndPerClassScores(@TempDir Path dir) throws Exception {
        ComparisonPage page = new ComparisonPage(
                "Model comparison",
                "intro",
                TABLE,
                List.of(
                        new ComparisonPage.Group(
                                "teacher",
                                List.of(new ComparisonPage.Run(
                                        "teacher",
                                        "../teacher/report/index.html",
                                        seg("teacher", 0.9, 0.6),
                                        List.of(),
                                        List.of()))),
                        new ComparisonPage.Group(
                                "baseline",
                                List.of(
                                        run("baseline-s1", 0.8, 0.4, 1.0, 0.45),
                                        run("baseline-s2", 0.6, 0.2, 1.2, 0.47))),
                        new ComparisonPage.Group(
                                "kd-cwd",
                                List.of(
                                        run("kd-cwd-s1", 0.85, 0.5, 0.9, 0.5),
                                        run("kd-cwd-s2", 0.85, 0.3, 1.1, 0.52)))));
        List<Path> files = page.write(
                dir,
                "comparison-segmentation",
                List.of(
                        new ComparisonPage.Link("segmentation", "comparison-segmentation.html"),
                        new ComparisonPage.Link("detection", "comparison-detection.html")));
        assertEquals(
                List.of(
                        "comparison-segmentation.html",
                        "comparison-segmentation_loss.png",
                        "comparison-segmentation_validation.png"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        String html = Files.readString(files.get(0));
        for (String cell :
                List.of("49.00 ± 0.50", "1.09x", "19456", "cwd(w=1.0, tau=4.0)", "s/epoch", "teacher cache B/sample")) {
            assertTrue(html.contains(Html.escape(cell)), "console table cell " + cell + " on the page");
        }
        assertTrue(html.contains("<td class=\"pos\">+1.50</td>"), "gains are coloured");
        assertTrue(
                html.contains("<a href=\"../teacher/report/index.html\">teacher</a>"),
                "single-run model links its report");
        assertTrue(
                html.contains("<a href=\"../runs/baseline-s1/report/index.html\">s1</a>")
                        && html.contains("<a href=\"../runs/baseline-s2/report/index.html\">s2</a>"),
                "every seed's report is linked");
        assertTrue(
                html.contains("<a href=\"comparison-detection.html\">detection</a>"),
                "the other task's page is linked");
        // per-class IoU side by side, mean over seeds, best in bold, missing as n/a
        assertTrue(
                html.contains("<tr><td>road</td><td class=\"best\">90.00</td><td>70.00</td><td>85.00</td></tr>"), html);
        assertTrue(html.contains("<tr><td>sidewalk</td><td>n/a</td><td>n/a</td><td>n/a</td></tr>"), html);
        assertTrue(ImageIO.read(files.get(1).toFile()).getWidth() > 500);
    }

    @Test
    void perClassScoresAreMeansOverSeedsWithMissingClassesNotAScore() {
        ComparisonPage page = new ComparisonPage(
                "t",
                "i",
                TABLE.lines().limit(4).reduce("", (a, b) -> a + b + "\n"),
                List.of(
                        new ComparisonPage.Group("teacher", List.of(run("teacher", 0.9, 0.6, 0.5, null))),
                        new ComparisonPage.Group(
                                "baseline",
                                List.of(
                                        run("baseline-s1", 0.8, 0.4, 1.0, null),
                                        run("baseline-s2", 0.6, 0.2, 1.2, null)))));
        Map<String, Double> means = page.meanScores(new ComparisonPage.Group(
                "baseline", List.of(run("baseline-s1", 0.8, 0.4, 1.0, null), run("baseline-s2", 0.6, 0.2, 1.2, null))));
        assertEquals(0.7, means.get("road"), 1e-12);
        assertEquals(0.5, means.get("mIoU"), 1e-12, "mean of the seeds' mIoU 0.6 and 0.4");
        assertTrue(Double.isNaN(means.get("sidewalk")));
    }

    @Test
    void detectionShowsTheTwelveCocoNumbersAndIgnoresMinusOne(@TempDir Path dir) throws Exception {
        double[] a = {0.4, 0.6, 0.45, -1, 0.3, 0.5, 0.3, 0.5, 0.55, -1, 0.4, 0.6};
        String table = "| model | seeds | AP |\n|---|---:|---:|\n| baseline | 1 | 40.00 |\n";
        ComparisonPage page = new ComparisonPage(
                "t",
                "i",
                table,
                List.of(new ComparisonPage.Group(
                        "baseline",
                        List.of(new ComparisonPage.Run(
                                "baseline",
                                "b/index.html",
                                new CocoStats(a, Map.of()).toMetricsJson("b", "val2017"),
                                List.of(),
                                List.of())))));
        String html = Files.readString(
                page.write(dir, "comparison-detection", List.of()).get(0));
        assertTrue(html.contains("<tr><td>AP50</td><td>60.00</td></tr>"), html);
        assertTrue(html.contains("<tr><td>AP_small</td><td>n/a</td></tr>"), html);
        assertFalse(html.contains("<nav>"), "no other pages, no navigation");
    }

    @Test
    void tableAndModelsMustMatch() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new ComparisonPage(
                        "t",
                        "i",
                        TABLE,
                        List.of(new ComparisonPage.Group("teacher", List.of(run("teacher", 0.9, 0.6, 0.5, null))))));
        assertTrue(e.getMessage().contains("3 rows for 1 models"), e.getMessage());
    }
}
