package io.distill4j.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.distill4j.eval.MetricsJson;
import io.distill4j.eval.coco.CocoStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place a metrics.json's task name picks what its report shows. */
class TaskReportsTest {
    @Test
    void findsEachTaskByTheNameMetricsJsonRecords() {
        assertSame(TaskReports.SEGMENTATION, TaskReports.of("segmentation"));
        assertSame(TaskReports.DETECTION, TaskReports.of("detection"));
        assertEquals(
                List.of("segmentation", "detection"),
                TaskReports.ALL.stream().map(TaskReport::task).toList());
        assertEquals("mIoU", TaskReports.of("segmentation").headline());
        assertEquals("AP", TaskReports.of("detection").headline());
    }

    @Test
    void refusesAnUnknownNameInOneLineNamingTheKnownOnes() {
        for (String task : new String[] {"Segmentation", "", "keypoints"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskReports.of(task));
            assertEquals("metrics.json task must be segmentation or detection, got '" + task + "'", e.getMessage());
        }
    }

    @Test
    void eachTaskScoresItsOwnRows() {
        var seg = MetricsJson.MAPPER
                .createObjectNode()
                .put("task", "segmentation")
                .put("miou", 0.5);
        seg.putObject("iou").put("road", 0.9).putNull("sidewalk");
        Map<String, Double> s = TaskReports.of("segmentation").scores(seg);
        assertEquals(List.of("road", "sidewalk", "mIoU"), List.copyOf(s.keySet()));
        assertEquals(0.9, s.get("road"));
        assertEquals(Double.NaN, s.get("sidewalk"));

        double[] stats = {0.4, 0.6, 0.45, -1, 0.3, 0.5, 0.3, 0.5, 0.55, -1, 0.4, 0.6};
        Map<String, Double> d =
                TaskReports.of("detection").scores(new CocoStats(stats, Map.of()).toMetricsJson("m", "val2017"));
        assertEquals(CocoStats.NAMES, List.copyOf(d.keySet()));
        assertEquals(0.6, d.get("AP50"));
        assertEquals(Double.NaN, d.get(CocoStats.NAMES.get(3)), "COCOeval's -1 is no score");
    }
}
