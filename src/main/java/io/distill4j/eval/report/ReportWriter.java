package io.distill4j.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.eval.MetricsJson;
import io.distill4j.eval.SegmentationMetrics;
import io.distill4j.eval.coco.CocoDetection;
import io.distill4j.eval.coco.CocoGt;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes a run's local {@code report/} directory: {@code metrics.json}, the per-class table as
 * {@code per_class.csv} and {@code per_class.html}, sample pictures under {@code samples/},
 * {@code curves_loss.png} / {@code curves_metrics.png} from a {@code metrics.jsonl}, and an
 * {@code index.html} that shows whatever of these exists.
 */
public final class ReportWriter {
    /** Fields of a metrics.jsonl line that are axes or bookkeeping, never plotted as series. */
    private static final Set<String> NOT_SERIES = Set.of("epoch", "iteration", "step", "time", "timestamp");

    static final int CHART_W = 640;
    static final int CHART_H = 400;
    /** Detections a picture shows at most per panel: the best-scoring, twice the ground truth boxes, at least 3. */
    static int boxesShown(int groundTruth) {
        return Math.max(3, 2 * groundTruth);
    }

    private final Path dir;

    public ReportWriter(Path reportDir) throws IOException {
        this.dir = Files.createDirectories(reportDir);
    }

    public Path directory() {
        return dir;
    }

    /** Writes metrics.json and the per-class table derived from it (segmentation IoU or COCO stats). */
    public Path writeMetrics(ObjectNode metrics) throws IOException {
        Path file = dir.resolve("metrics.json");
        MetricsJson.write(metrics, file);
        List<String[]> rows = tableRows(metrics);
        StringBuilder csv = new StringBuilder();
        for (String[] r : rows) csv.append(String.join(",", r)).append('\n');
        Files.writeString(dir.resolve("per_class.csv"), csv.toString());
        Files.writeString(dir.resolve("per_class.html"), Html.page(title(metrics), htmlTable(rows)));
        return file;
    }

    /** Header row then data rows of the task metrics.json records: (class, IoU %) or (metric, value). */
    static List<String[]> tableRows(JsonNode metrics) {
        return TaskReports.of(metrics.path("task").asText()).tableRows(metrics);
    }

    private static String title(JsonNode metrics) {
        return metrics.path("model").asText("model") + " on "
                + metrics.path("split").asText("split") + " ("
                + metrics.path("task").asText() + ")";
    }

    static String htmlTable(List<String[]> rows) {
        StringBuilder sb = new StringBuilder("<table>\n");
        for (int i = 0; i < rows.size(); i++) {
            String cell = i == 0 ? "th" : "td";
            sb.append("<tr>");
            for (String c : rows.get(i))
                sb.append('<')
                        .append(cell)
                        .append('>')
                        .append(Html.escape(c))
                        .append("</")
                        .append(cell)
                        .append('>');
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /**
     * image | ground truth | teacher | student | agreement as {@code samples/<id>_strip.png},
     * enlarged to a legible size, titled with the sample's id, each prediction captioned with its
     * mIoU on this image; the agreement panel (with a teacher) greys the image and marks in
     * {@link Pictures#DISAGREE_RGB} the pixels where teacher and student differ.
     *
     * @param imageChw uint8 RGB, 3 x h x w
     * @param teacher  trainIds, or null when the run has no teacher (then no agreement panel)
     * @return the file written
     */
    public Path addSegmentationSample(
            String sampleId, byte[] imageChw, int h, int w, byte[] gt, byte[] teacher, byte[] student)
            throws IOException {
        int f = Pictures.scaleFor(w);
        List<BufferedImage> panels =
                new ArrayList<>(List.of(Pictures.image(imageChw, h, w), Pictures.overlay(imageChw, gt, h, w)));
        List<String> captions = new ArrayList<>(List.of("image", "ground truth"));
        if (teacher != null) {
            panels.add(Pictures.overlay(imageChw, teacher, h, w));
            captions.add("teacher · " + imageIou(gt, teacher));
        }
        panels.add(Pictures.overlay(imageChw, student, h, w));
        captions.add((teacher != null ? "student · " : "model · ") + imageIou(gt, student));
        if (teacher != null) {
            int differ = 0;
            for (int i = 0; i < student.length; i++) if (teacher[i] != student[i]) differ++;
            panels.add(Pictures.agreement(imageChw, teacher, student, h, w));
            captions.add(
                    String.format(Locale.ROOT, "teacher vs student · %.1f%% differ", 100.0 * differ / student.length));
        }
        return png(
                Pictures.strip(
                        sampleId,
                        panels.stream().map(p -> Pictures.upscale(p, f)).toList(),
                        captions),
                "samples/" + safe(sampleId) + "_strip.png");
    }

    /** "mIoU 43.2%" of one prediction against the image's ground truth (classes present in either). */
    static String imageIou(byte[] gt, byte[] prediction) {
        double miou = new SegmentationMetrics(CityscapesLabels.NUM_CLASSES)
                .add(gt, prediction)
                .meanIou();
        return Double.isNaN(miou) ? "mIoU n/a" : String.format(Locale.ROOT, "mIoU %.1f%%", 100 * miou);
    }

    /** Ground-truth and detected boxes with class names as {@code samples/<id>_boxes.png}, enlarged. */
    public Path addDetectionSample(
            String sampleId,
            byte[] imageChw,
            int h,
            int w,
            List<CocoGt> gts,
            List<CocoDetection> detections,
            Map<Integer, String> categoryNames)
            throws IOException {
        return png(
                Pictures.boxes(imageChw, h, w, Pictures.scaleFor(w), gts, detections, categoryNames),
                "samples/" + safe(sampleId) + "_boxes.png");
    }

    /**
     * ground truth | teacher | model boxes over the enlarged image as {@code samples/<id>_strip.png}:
     * ground truth in green (crowd dashed), detections in red with "name score", titled with the
     * sample's id. Boxes in the image's pixels.
     *
     * @param teacher the teacher's detections, or null when the run has no teacher
     * @return the file written
     */
    public Path addDetectionStrip(
            String sampleId,
            byte[] imageChw,
            int h,
            int w,
            List<CocoGt> gts,
            List<CocoDetection> teacher,
            List<CocoDetection> detections,
            Map<Integer, String> categoryNames)
            throws IOException {
        int f = Pictures.scaleFor(w);
        int k = boxesShown(gts.size());
        List<BufferedImage> panels =
                new ArrayList<>(List.of(Pictures.boxes(imageChw, h, w, f, gts, List.of(), categoryNames)));
        List<String> captions = new ArrayList<>(List.of("ground truth · " + gts.size() + " boxes"));
        if (teacher != null) {
            panels.add(Pictures.boxes(imageChw, h, w, f, List.of(), best(teacher, k), categoryNames));
            captions.add("teacher · " + shown(teacher, k));
        }
        panels.add(Pictures.boxes(imageChw, h, w, f, List.of(), best(detections, k), categoryNames));
        captions.add((teacher != null ? "student · " : "model · ") + shown(detections, k));
        return png(Pictures.strip(sampleId, panels, captions), "samples/" + safe(sampleId) + "_strip.png");
    }

    /** The {@code k} best-scoring detections: an untrained or low-threshold model's hundred boxes hide the image. */
    static List<CocoDetection> best(List<CocoDetection> detections, int k) {
        return detections.stream()
                .sorted(java.util.Comparator.comparingDouble(CocoDetection::score)
                        .reversed())
                .limit(k)
                .toList();
    }

    private static String shown(List<CocoDetection> detections, int k) {
        return detections.size() <= k
                ? detections.size() + " detections"
                : "best " + k + " of " + detections.size() + " detections";
    }

    /**
     * Line charts from a metrics.jsonl (one JSON object per line): numeric fields whose name contains
     * "loss" share {@code curves_loss.png}; every other numeric field gets its own chart
     * {@code curves_<field>.png} with the field as the y axis (a validation metric and a throughput
     * have different units). The x axis is {@code iteration} where a line has it, else
     * {@code epoch}, else the line number.
     *
     * @return the charts written, the loss chart first (none when the file has no such fields)
     */
    public List<Path> writeCurves(Path metricsJsonl) throws IOException {
        Map<String, List<double[]>> loss = new LinkedHashMap<>();
        Map<String, List<double[]>> other = new LinkedHashMap<>();
        boolean anyIteration = false;
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(metricsJsonl)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = MetricsJson.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new IOException(metricsJsonl + " line " + n + ": malformed JSON", e);
                }
                if (!node.isObject()) throw new IOException(metricsJsonl + " line " + n + ": not a JSON object");
                anyIteration |= node.has("iteration");
                lines.add(node);
            }
        }
        String xName = anyIteration ? "iteration" : "epoch";
        for (int i = 0; i < lines.size(); i++) {
            JsonNode node = lines.get(i);
            double x = node.has(xName) ? node.get(xName).asDouble() : (anyIteration ? Double.NaN : i);
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().isNumber() || NOT_SERIES.contains(e.getKey())) continue;
                (e.getKey().contains("loss") ? loss : other)
                        .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(new double[] {x, e.getValue().asDouble()});
            }
        }
        List<Path> written = new ArrayList<>();
        if (!loss.isEmpty()) {
            written.add(png(
                    chart("Training losses per term", xName, "loss", loss).render(CHART_W, CHART_H),
                    "curves_loss.png"));
        }
        for (Map.Entry<String, List<double[]>> e : other.entrySet()) {
            written.add(png(
                    chart(e.getKey() + " per " + xName, xName, e.getKey(), Map.of(e.getKey(), e.getValue()))
                            .render(CHART_W, CHART_H),
                    "curves_" + safe(e.getKey()) + ".png"));
        }
        return written;
    }

    private static LineChart chart(String title, String x, String y, Map<String, List<double[]>> data) {
        LineChart chart = new LineChart(title, x, y).integerX();
        data.forEach((name, points) -> chart.add(
                name,
                new LineChart.Series(
                        points.stream().mapToDouble(p -> p[0]).toArray(),
                        points.stream().mapToDouble(p -> p[1]).toArray())));
        return chart;
    }

    /** index.html with the metrics table, the charts, a colour legend and every sample picture in the report directory. */
    public Path writeIndex(String title) throws IOException {
        StringBuilder body = new StringBuilder();
        Path metrics = dir.resolve("metrics.json");
        // pictures without metrics.json are label overlays, the only kind older reports drew
        TaskReport task = TaskReports.SEGMENTATION;
        if (Files.exists(metrics)) {
            ObjectNode m = MetricsJson.read(metrics);
            task = TaskReports.of(m.path("task").asText());
            body.append("<h2>").append(Html.escape(title(m))).append("</h2>\n").append(htmlTable(tableRows(m)));
            body.append(
                    "<p><a href=\"metrics.json\">metrics.json</a> · <a href=\"per_class.csv\">per_class.csv</a></p>\n");
        }
        List<String> pngs;
        try (Stream<Path> s = Files.walk(dir)) {
            pngs = s.filter(p -> p.toString().endsWith(".png"))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .collect(Collectors.toList());
        }
        List<String> curves = pngs.stream()
                .filter(p -> p.startsWith("curves_"))
                .sorted(java.util.Comparator.comparing((String p) -> !p.equals("curves_loss.png")))
                .toList();
        List<String> samples =
                pngs.stream().filter(p -> !p.startsWith("curves_")).toList();
        if (!curves.isEmpty()) {
            body.append("<h2>Training curves</h2>\n<div class=\"charts\">\n");
            for (String p : curves) body.append(img(p, "chart " + p));
            body.append("</div>\n");
        }
        if (!samples.isEmpty()) {
            body.append("<h2>Samples</h2>\n");
            body.append(task.samplesHtml());
            for (String p : samples) body.append(img(p, "sample " + p));
        }
        Path index = dir.resolve("index.html");
        Files.writeString(index, Html.page(title, body.toString()));
        return index;
    }

    private static String img(String relative, String alt) {
        return "<img src=\"" + Html.escape(relative) + "\" alt=\"" + Html.escape(alt) + "\">\n";
    }

    private Path png(BufferedImage img, String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException(file + ": no PNG writer");
        return file;
    }

    /** Sample ids such as cityscapes/val/aachen/aachen_000000_000019 become one file-name-safe word. */
    static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
