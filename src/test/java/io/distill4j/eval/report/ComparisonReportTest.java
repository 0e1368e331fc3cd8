package io.distill4j.eval.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.eval.MetricsJson;
import io.distill4j.eval.SegmentationMetrics;
import io.distill4j.eval.coco.CocoStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ComparisonReportTest {
    private static ObjectNode seg(String model, double miou) {
        ObjectNode n = MetricsJson.MAPPER.createObjectNode();
        n.put("task", "segmentation").put("model", model).put("split", "val").put("miou", miou).put("pixel_accuracy", 0.9);
        return n;
    }

    @Test
    void tableShowsMiouAndDeltaToBaselineInPoints(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.json");
        Path b = dir.resolve("b.json");
        Path d = dir.resolve("d.json");
        MetricsJson.write(seg("teacher", 0.7856), t);
        MetricsJson.write(seg("student", 0.6910), b);
        MetricsJson.write(seg("student-cwd", 0.7487), d);
        ComparisonReport report = ComparisonReport.fromFiles(List.of("teacher", "baseline", "CWD"), List.of(t, b, d), "baseline");
        String md = report.toMarkdown();
        assertTrue(md.contains("| CWD "), md);
        assertTrue(md.contains("74.87 |"), md);
        assertTrue(md.contains("+5.77 |"), md);   // 74.87 - 69.10
        assertTrue(md.contains("+9.46 |"), md);   // teacher 78.56 - 69.10
        assertTrue(md.contains("baseline |"), md);
        assertEquals(5, md.lines().count(), "header, rule, three models");
        String html = Files.readString(report.writeHtml(dir.resolve("cmp/comparison.html")));
        assertTrue(html.contains("<td class=\"pos\">+5.77</td>"), html);
    }

    @Test
    void detectionUsesApAndTreatsMinusOneAsMissing() {
        double[] a = {0.374, 0.6, 0.4, -1, 0.3, 0.5, 0.3, 0.5, 0.55, -1, 0.4, 0.6};
        double[] b = {0.408, 0.62, 0.44, -1, 0.33, 0.52, 0.31, 0.52, 0.57, -1, 0.42, 0.61};
        ComparisonReport r = new ComparisonReport(List.of(
                new ComparisonReport.Entry("baseline", new CocoStats(a, Map.of()).toMetricsJson("s", "val2017")),
                new ComparisonReport.Entry("CWD", new CocoStats(b, Map.of()).toMetricsJson("s", "val2017"))), "baseline");
        String[] cwd = r.rows().get(2);
        assertEquals("AP", r.rows().get(0)[2]);
        assertEquals("40.80", cwd[2]);
        assertEquals("+3.40", cwd[4]);
    }

    @Test
    void mixedTasksOrUnknownBaselineAreRejected() {
        ObjectNode det = new CocoStats(new double[12], Map.of()).toMetricsJson("d", "val");
        ObjectNode s = new SegmentationMetrics(2).toMetricsJson("s", "val", List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> new ComparisonReport(
                List.of(new ComparisonReport.Entry("s", s), new ComparisonReport.Entry("d", det)), "s"));
        var e = assertThrows(IllegalArgumentException.class, () -> new ComparisonReport(
                List.of(new ComparisonReport.Entry("s", s)), "nope"));
        assertTrue(e.getMessage().contains("nope"));
    }
}
