package io.distill4j.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.eval.coco.CocoStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report of a detector: the twelve COCOeval numbers, boxes drawn over the image. */
final class DetectionReport implements TaskReport {
    @Override
    public String task() {
        return "detection";
    }

    @Override
    public String headline() {
        return "AP";
    }

    @Override
    public List<String[]> tableRows(JsonNode metrics) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"metric", "value"});
        for (String name : CocoStats.NAMES) {
            JsonNode v = metrics.path(name);
            rows.add(new String[] {name, v.isNumber() ? String.format("%.4f", v.asDouble()) : "n/a"});
        }
        return rows;
    }

    @Override
    public String scoresTitle() {
        return "COCO metrics %";
    }

    @Override
    public String scoresLabel() {
        return "metric";
    }

    @Override
    public Map<String, Double> scores(JsonNode metrics) {
        Map<String, Double> scores = new LinkedHashMap<>();
        for (String name : CocoStats.NAMES) scores.put(name, TaskReports.score(metrics.path(name)));
        return scores;
    }

    @Override
    public String samplesHtml() {
        return "<p>Each strip: ground truth (green, crowd dashed) | teacher | student detections (red, "
                + "class name and score; the best-scoring, twice as many as ground-truth boxes, at least 3), "
                + "enlarged (nearest neighbour).</p>\n";
    }
}
