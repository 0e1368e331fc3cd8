package io.distill4j.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report of a segmentation model: per-class IoU, mIoU and pixel accuracy, label overlays. */
final class SegmentationReport implements TaskReport {
    @Override
    public String task() {
        return "segmentation";
    }

    @Override
    public String headline() {
        return "mIoU";
    }

    @Override
    public List<String[]> tableRows(JsonNode metrics) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"class", "IoU %"});
        Iterator<Map.Entry<String, JsonNode>> it = metrics.path("iou").fields();
        while (it.hasNext()) {
            var e = it.next();
            rows.add(new String[] {e.getKey(), percent(e.getValue())});
        }
        rows.add(new String[] {"mIoU", percent(metrics.path("miou"))});
        rows.add(new String[] {"pixel accuracy", percent(metrics.path("pixel_accuracy"))});
        return rows;
    }

    private static String percent(JsonNode v) {
        return v.isNumber() ? String.format("%.2f", 100 * v.asDouble()) : "n/a";
    }

    @Override
    public String scoresTitle() {
        return "Per-class IoU %";
    }

    @Override
    public String scoresLabel() {
        return "class";
    }

    @Override
    public Map<String, Double> scores(JsonNode metrics) {
        Map<String, Double> scores = new LinkedHashMap<>();
        metrics.path("iou").fields().forEachRemaining(e -> scores.put(e.getKey(), TaskReports.score(e.getValue())));
        scores.put("mIoU", TaskReports.score(metrics.path("miou")));
        return scores;
    }

    @Override
    public String samplesHtml() {
        return "<p>Each strip: image | ground truth | teacher | student | agreement, enlarged (nearest "
                + "neighbour); the label colours are blended half with the image, ignored pixels are black. Captions "
                + "give each prediction's mIoU on that image (classes in its ground truth or prediction). The "
                + "agreement panel greys the image and marks in cyan the pixels where teacher and student differ."
                + "</p>\n" + Legend.html();
    }
}
