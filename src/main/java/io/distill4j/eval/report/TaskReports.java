package io.distill4j.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Collectors;

/** The task reports distill4j knows, and their look-up by the task name a metrics.json records. */
public final class TaskReports {
    private TaskReports() {}

    public static final TaskReport SEGMENTATION = new SegmentationReport();
    public static final TaskReport DETECTION = new DetectionReport();

    /** Every task's report; adding a task adds its report here. */
    public static final List<TaskReport> ALL = List.of(SEGMENTATION, DETECTION);

    /**
     * The report of the task metrics.json records as {@code task}.
     *
     * @throws IllegalArgumentException for a name no report has, naming the known ones
     */
    public static TaskReport of(String task) {
        for (TaskReport r : ALL) if (r.task().equals(task)) return r;
        throw new IllegalArgumentException("metrics.json task must be "
                + ALL.stream().map(TaskReport::task).collect(Collectors.joining(" or ")) + ", got '" + task + "'");
    }

    /** A number, or NaN for missing, null and COCOeval's -1 ("no ground truth in this setting"). */
    static double score(JsonNode v) {
        return v.isNumber() && v.asDouble() != -1 ? v.asDouble() : Double.NaN;
    }
}
