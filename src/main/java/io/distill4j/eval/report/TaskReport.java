package io.distill4j.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What a task's report and comparison page show from its metrics.json: the headline metric, the
 * table (per-class IoU, or the twelve COCOeval numbers) and how the sample pictures read. One
 * implementation per task, found by the task name metrics.json records ({@link TaskReports#of}),
 * so the report code does not branch on that name.
 */
public interface TaskReport {

    /** The task as metrics.json records it ({@code segmentation}, {@code detection}). */
    String task();

    /** The name of the headline metric ({@code mIoU}, {@code AP}). */
    String headline();

    /** Header row then data rows of the report's table, formatted as per_class.csv shows them. */
    List<String[]> tableRows(JsonNode metrics);

    /** The heading of the comparison page's side-by-side table. */
    String scoresTitle();

    /** The heading of that table's first column ({@code class}, {@code metric}). */
    String scoresLabel();

    /**
     * The rows of the side-by-side table and their scores as fractions, in table order; NaN where
     * metrics.json has no number ({@link TaskReports#score}).
     */
    Map<String, Double> scores(JsonNode metrics);

    /** The HTML that explains the sample pictures above them on the report's index page. */
    String samplesHtml();
}
