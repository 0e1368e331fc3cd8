package io.distill4j.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.eval.MetricsJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares several models' metrics.json (teacher, baseline student, distilled students) on their
 * headline metric: mIoU (with pixel accuracy) for segmentation, AP (with AP50) for detection, in
 * percentage points, with the difference to the baseline.
 */
public final class ComparisonReport {
    /** One model: a display label and its parsed metrics.json. */
    public record Entry(String label, JsonNode metrics) {
    }

    private final List<Entry> entries;
    private final String baseline;
    private final String task;

    /**
     * @param baselineLabel the entry deltas are measured against; must be one of the labels
     */
    public ComparisonReport(List<Entry> entries, String baselineLabel) {
        if (entries.isEmpty()) throw new IllegalArgumentException("nothing to compare");
        this.entries = List.copyOf(entries);
        this.baseline = baselineLabel;
        this.task = entries.get(0).metrics().path("task").asText();
        if (!task.equals("segmentation") && !task.equals("detection")) {
            throw new IllegalArgumentException(entries.get(0).label() + ": unknown task '" + task + "'");
        }
        for (Entry e : entries) {
            if (!e.metrics().path("task").asText().equals(task)) {
                throw new IllegalArgumentException(e.label() + " is a " + e.metrics().path("task").asText()
                        + " result, the others are " + task);
            }
        }
        if (entries.stream().noneMatch(e -> e.label().equals(baselineLabel))) {
            throw new IllegalArgumentException("baseline '" + baselineLabel + "' is not among the models");
        }
    }

    /** Reads each metrics.json; labels are given in the same order as the files. */
    public static ComparisonReport fromFiles(List<String> labels, List<Path> metricsFiles, String baselineLabel)
            throws IOException {
        if (labels.size() != metricsFiles.size()) throw new IllegalArgumentException(labels.size() + " labels for "
                + metricsFiles.size() + " files");
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) entries.add(new Entry(labels.get(i), MetricsJson.read(metricsFiles.get(i))));
        return new ComparisonReport(entries, baselineLabel);
    }

    private String primaryKey() {
        return task.equals("segmentation") ? "miou" : "AP";
    }

    private String secondaryKey() {
        return task.equals("segmentation") ? "pixel_accuracy" : "AP50";
    }

    private static String header(String key) {
        return switch (key) {
            case "miou" -> "mIoU";
            case "pixel_accuracy" -> "pixel acc";
            default -> key;
        };
    }

    /** Rows: model, split, primary, secondary, delta of the primary to the baseline (points). */
    public List<String[]> rows() {
        double base = value(entries.stream().filter(e -> e.label().equals(baseline)).findFirst().orElseThrow(), primaryKey());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"model", "split", header(primaryKey()), header(secondaryKey()), "Δ vs " + baseline});
        for (Entry e : entries) {
            double p = value(e, primaryKey());
            double s = value(e, secondaryKey());
            String delta = e.label().equals(baseline) ? "baseline"
                    : Double.isNaN(p) || Double.isNaN(base) ? "n/a" : String.format("%+.2f", 100 * (p - base));
            rows.add(new String[] {e.label(), e.metrics().path("split").asText(""), points(p), points(s), delta});
        }
        return rows;
    }

    private static double value(Entry e, String key) {
        JsonNode v = e.metrics().path(key);
        // -1 is COCOeval's "no ground truth in this setting": not a score to compare
        return v.isNumber() && v.asDouble() != -1 ? v.asDouble() : Double.NaN;
    }

    private static String points(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.2f", 100 * v);
    }

    /** A GitHub-flavoured markdown table for the console and the README. */
    public String toMarkdown() {
        List<String[]> rows = rows();
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < rows.size(); j++) {
            String[] r = rows.get(j);
            sb.append('|');
            for (int i = 0; i < r.length; i++) {
                String pad = " ".repeat(width[i] - r[i].length());
                sb.append(' ').append(i == 0 ? r[i] + pad : pad + r[i]).append(" |");
            }
            sb.append('\n');
            if (j == 0) {
                sb.append('|');
                for (int i = 0; i < r.length; i++) sb.append(i == 0 ? ":" : "-").append("-".repeat(width[i])).append(i == 0 ? "-|" : ":|");
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Writes the same table as an HTML page, deltas coloured by sign. */
    public Path writeHtml(Path file) throws IOException {
        List<String[]> rows = rows();
        StringBuilder sb = new StringBuilder("<table>\n");
        for (int j = 0; j < rows.size(); j++) {
            sb.append("<tr>");
            String[] r = rows.get(j);
            for (int i = 0; i < r.length; i++) {
                String tag = j == 0 ? "th" : "td";
                String cls = j > 0 && i == r.length - 1 ? (r[i].startsWith("+") ? " class=\"pos\"" : r[i].startsWith("-") ? " class=\"neg\"" : "") : "";
                sb.append('<').append(tag).append(cls).append('>').append(Html.escape(r[i])).append("</").append(tag).append('>');
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n<p>Values in percent; Δ in percentage points of ").append(header(primaryKey()))
                .append(" against ").append(Html.escape(baseline)).append(".</p>\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, Html.page("Model comparison (" + task + ")", sb.toString()));
        return file;
    }
}
