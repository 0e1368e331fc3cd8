package io.distill4j.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * The comparison page of a pipeline: the console's table (every column, the model names linked to
 * each run's report), the runs' training curves overlaid (mean over seeds), and the per-class
 * scores of every model side by side. Pure: it is given the table and each run's numbers and
 * writes an HTML file with its charts beside it.
 */
public final class ComparisonPage {
    /**
     * One trained and evaluated model (one seed).
     *
     * @param reportHref  link to its report/index.html, relative to the page where possible
     * @param metrics     its metrics.json
     * @param loss        (epoch, task loss) points, the loss every method shares; empty without metrics.jsonl
     * @param validation  (epoch, validation metric) points; empty without train.validate-every
     */
    public record Run(String id, String reportHref, JsonNode metrics, List<double[]> loss, List<double[]> validation) {}

    /** The rows of one table line: a model and the seeds it was trained with. */
    public record Group(String name, List<Run> runs) {}

    /** Another comparison page of the same work directory (the other task's). */
    public record Link(String label, String href) {}

    private final String title;
    private final String introduction;
    private final List<String[]> table;
    private final List<Group> groups;
    private final TaskReport task;

    /**
     * @param markdownTable the console's table (header, rule, one row per group in the order of {@code groups})
     */
    public ComparisonPage(String title, String introduction, String markdownTable, List<Group> groups) {
        this.title = title;
        this.introduction = introduction;
        this.table = parseMarkdown(markdownTable);
        this.groups = List.copyOf(groups);
        if (groups.isEmpty()) throw new IllegalArgumentException("nothing to compare");
        if (table.size() - 1 != groups.size()) {
            throw new IllegalArgumentException(
                    "the table has " + (table.size() - 1) + " rows for " + groups.size() + " models");
        }
        this.task = TaskReports.of(
                groups.get(0).runs().get(0).metrics().path("task").asText());
    }

    /** Header then data rows of a GitHub markdown table; the |---| rule is dropped. */
    static List<String[]> parseMarkdown(String markdown) {
        List<String[]> rows = new ArrayList<>();
        for (String line : markdown.split("\n")) {
            String l = line.strip();
            if (!l.startsWith("|")) continue;
            if (l.matches("\\|[-:| ]+\\|")) continue;
            String inner = l.substring(1, l.endsWith("|") ? l.length() - 1 : l.length());
            String[] cells = inner.split("\\|", -1);
            for (int i = 0; i < cells.length; i++) cells[i] = cells[i].strip();
            rows.add(cells);
        }
        if (rows.isEmpty()) throw new IllegalArgumentException("no table rows in: " + markdown);
        return rows;
    }

    /**
     * Writes {@code <name>.html} and its charts {@code <name>_loss.png} / {@code <name>_validation.png}
     * into {@code dir}.
     *
     * @param others links shown at the top to the work directory's other comparison pages
     * @return every file written, the page first
     */
    public List<Path> write(Path dir, String name, List<Link> others) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        if (!others.isEmpty()) {
            body.append("<nav>Comparisons in this work directory:");
            for (Link l : others) {
                body.append(" <a href=\"")
                        .append(Html.escape(l.href()))
                        .append("\">")
                        .append(Html.escape(l.label()))
                        .append("</a>");
            }
            body.append("</nav>\n");
        }
        body.append("<p>").append(Html.escape(introduction)).append("</p>\n").append(tableHtml());
        List<Path> charts = new ArrayList<>();
        LineChart loss = curves(
                "Task loss per epoch (mean over seeds; distillation terms not included)", "task loss", Run::loss, 1);
        if (!loss.isEmpty()) charts.add(png(loss, dir.resolve(name + "_loss.png")));
        LineChart validation = curves(
                "Validation " + headline() + " per epoch (mean over seeds)",
                "validation " + headline() + " %",
                Run::validation,
                100);
        if (!validation.isEmpty()) charts.add(png(validation, dir.resolve(name + "_validation.png")));
        if (!charts.isEmpty()) {
            body.append("<h2>Training curves</h2>\n<div class=\"charts\">\n");
            for (Path c : charts) {
                body.append("<img src=\"")
                        .append(Html.escape(c.getFileName().toString()))
                        .append("\" alt=\"")
                        .append(Html.escape(c.getFileName().toString()))
                        .append("\">\n");
            }
            body.append("</div>\n");
        }
        body.append("<h2>")
                .append(Html.escape(task.scoresTitle()))
                .append("</h2>\n")
                .append(sideBySideHtml());
        Path page = dir.resolve(name + ".html");
        Files.writeString(page, Html.page(title, body.toString()));
        written.add(page);
        written.addAll(charts);
        return written;
    }

    private String headline() {
        return task.headline();
    }

    /** The console's table; the model cell links to each seed's report. */
    private String tableHtml() {
        StringBuilder sb = new StringBuilder("<table class=\"comparison\">\n<tr>");
        for (String h : table.get(0)) sb.append("<th>").append(Html.escape(h)).append("</th>");
        sb.append("</tr>\n");
        int deltaColumn = -1;
        // the headline's gain, not "time vs baseline"
        for (int i = table.get(0).length - 1; i >= 0; i--)
            if (table.get(0)[i].endsWith(headline() + " vs baseline")) deltaColumn = i;
        for (int r = 1; r < table.size(); r++) {
            String[] row = table.get(r);
            Group g = groups.get(r - 1);
            sb.append("<tr><td>").append(links(g)).append("</td>");
            for (int i = 1; i < row.length; i++) {
                String cls = i == deltaColumn && row[i].startsWith("+") && !row[i].equals("+0.00")
                        ? " class=\"pos\""
                        : i == deltaColumn && row[i].startsWith("-") ? " class=\"neg\"" : "";
                sb.append("<td")
                        .append(cls)
                        .append('>')
                        .append(Html.escape(row[i]))
                        .append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    private static String links(Group g) {
        if (g.runs().size() == 1) return a(g.runs().get(0).reportHref(), g.name());
        StringBuilder sb = new StringBuilder(Html.escape(g.name())).append(" <small>(");
        for (int i = 0; i < g.runs().size(); i++) {
            Run run = g.runs().get(i);
            if (i > 0) sb.append(", ");
            sb.append(a(
                    run.reportHref(),
                    run.id().startsWith(g.name() + "-")
                            ? run.id().substring(g.name().length() + 1)
                            : run.id()));
        }
        return sb.append(")</small>").toString();
    }

    private static String a(String href, String text) {
        return "<a href=\"" + Html.escape(href) + "\">" + Html.escape(text) + "</a>";
    }

    /**
     * One row per class (segmentation: IoU; detection: the twelve COCOeval numbers), one column per
     * model with the mean over its seeds; the best model of each row in bold.
     */
    private String sideBySideHtml() {
        Map<String, double[]> rows = new LinkedHashMap<>();
        for (int gi = 0; gi < groups.size(); gi++) {
            Map<String, Double> means = meanScores(groups.get(gi));
            for (Map.Entry<String, Double> e : means.entrySet()) {
                rows.computeIfAbsent(e.getKey(), k -> filledNaN(groups.size()))[gi] = e.getValue();
            }
        }
        StringBuilder sb = new StringBuilder("<table>\n<tr><th>")
                .append(Html.escape(task.scoresLabel()))
                .append("</th>");
        for (Group g : groups) sb.append("<th>").append(Html.escape(g.name())).append("</th>");
        sb.append("</tr>\n");
        for (Map.Entry<String, double[]> e : rows.entrySet()) {
            double best = Double.NEGATIVE_INFINITY;
            for (double v : e.getValue()) if (!Double.isNaN(v)) best = Math.max(best, v);
            sb.append("<tr><td>").append(Html.escape(e.getKey())).append("</td>");
            for (double v : e.getValue()) {
                sb.append(v == best && best > 0 && groups.size() > 1 ? "<td class=\"best\">" : "<td>")
                        .append(Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", 100 * v))
                        .append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /** Per-class IoU (or COCO stat) averaged over the group's seeds; classes without a score in any seed are n/a. */
    Map<String, Double> meanScores(Group g) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (Run r : g.runs()) {
            task.scores(r.metrics()).forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>())
                    .add(v));
        }
        Map<String, Double> means = new LinkedHashMap<>();
        values.forEach((k, v) -> means.put(
                k, v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        return means;
    }

    private static double[] filledNaN(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    /** One line per model: the mean over its seeds at every epoch all of them reached. */
    private LineChart curves(
            String chartTitle, String yLabel, java.util.function.Function<Run, List<double[]>> points, double scale) {
        LineChart chart = new LineChart(chartTitle, "epoch", yLabel).integerX();
        for (Group g : groups) {
            Map<Double, double[]> sums = new TreeMap<>(); // epoch -> (sum, count)
            for (Run r : g.runs()) {
                for (double[] p : points.apply(r)) {
                    double[] s = sums.computeIfAbsent(p[0], k -> new double[2]);
                    s[0] += p[1];
                    s[1]++;
                }
            }
            List<double[]> mean = new ArrayList<>();
            sums.forEach((epoch, s) -> {
                if (s[1] == g.runs().size()) mean.add(new double[] {epoch, scale * s[0] / s[1]});
            });
            if (mean.isEmpty()) continue;
            chart.add(
                    g.name(),
                    new LineChart.Series(
                            mean.stream().mapToDouble(p -> p[0]).toArray(),
                            mean.stream().mapToDouble(p -> p[1]).toArray()));
        }
        return chart;
    }

    private static Path png(LineChart chart, Path file) throws IOException {
        if (!ImageIO.write(chart.render(ReportWriter.CHART_W, ReportWriter.CHART_H + 40), "png", file.toFile())) {
            throw new IOException(file + ": no PNG writer");
        }
        return file;
    }
}
