package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.manifest.ModelFacts;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.Task;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The task seam's public contracts: the names manifests, footers and metrics.json record, the
 * datasets that call for each task, the outputs evaluate needs and the manifest fields, exactly
 * as they were before the seam.
 */
class VisionTasksTest {
    private static final Distill4jConfig CONFIG = ConfigLoader.load(null, List.of());

    @Test
    void everyTaskHasItsOwnNameAndDataset() {
        assertEquals(
                List.of("segmentation", "detection"),
                VisionTasks.ALL.stream().map(VisionTask::id).toList());
        assertEquals(
                List.of("cityscapes", "coco"),
                VisionTasks.ALL.stream().map(VisionTask::dataset).toList());
        assertEquals(
                Set.of(Task.values()),
                VisionTasks.ALL.stream().map(VisionTask::task).collect(Collectors.toSet()));
    }

    @Test
    void looksTasksUpByDatasetAndRecordedName() {
        assertSame(Task.SEGMENTATION, VisionTasks.forDataset("cityscapes").task());
        assertSame(Task.DETECTION, VisionTasks.forDataset("coco").task());
        assertNull(VisionTasks.forDataset("voc"));
        assertSame(Task.DETECTION, VisionTasks.byId("detection").task());
        assertNull(VisionTasks.byId("DETECTION"));
        assertEquals("segmentation", VisionTasks.unrecorded().id());
    }

    @Test
    void eachTaskSuppliesTheReportItsRecordedNameFinds() {
        for (VisionTask t : VisionTasks.ALL) {
            assertEquals(t.id(), t.report().task());
            assertSame(t.report(), io.distill4j.eval.report.TaskReports.of(t.id()));
            assertEquals(t.report().headline(), t.headline().primaryName());
        }
    }

    @Test
    void headsAreThePredictorsVertices() {
        assertEquals(List.of("logits"), VisionTasks.forDataset("cityscapes").heads());
        assertEquals(List.of("heatmap", "reg"), VisionTasks.forDataset("coco").heads());
    }

    @Test
    void segmentationFactsRecordNoDetectionFields() {
        VisionTask seg = VisionTasks.forDataset("cityscapes");
        VisionTask.Shape shape = new VisionTask.Shape(64, 128, null);
        ModelBlueprint teacher = seg.teacher(CONFIG, shape);
        ModelFacts facts = seg.facts(teacher, shape);
        assertEquals("segmentation", facts.task());
        assertEquals("cityscapes", facts.dataset());
        assertEquals(19, facts.numClasses());
        assertEquals(19, seg.classes(CONFIG, shape));
        assertNull(facts.heatmapVertex());
        assertNull(facts.categories());
    }

    @Test
    void detectionFactsRecordHeadsAndCategories() {
        VisionTask det = VisionTasks.forDataset("coco");
        VisionTask.Shape shape = new VisionTask.Shape(64, 96, new int[] {1, 3, 18});
        ModelBlueprint student = det.student(CONFIG, shape);
        ModelFacts facts = det.facts(student, shape);
        assertEquals("detection", facts.task());
        assertEquals("coco", facts.dataset());
        assertEquals(3, facts.numClasses());
        assertEquals(3, det.classes(CONFIG, shape));
        assertEquals(student.tap("heatmap").vertexName(), facts.heatmapVertex());
        assertEquals(student.tap("reg").vertexName(), facts.regVertex());
        JsonNode cats = facts.categories();
        assertEquals(3, cats.size());
        assertEquals(2, cats.get(2).path("index").asInt());
        assertEquals(18, cats.get(2).path("id").asInt());
    }

    @Test
    void headlinesReadTheMetricsJsonKeys() {
        assertEquals("miou", VisionTasks.forDataset("cityscapes").headline().primaryKey());
        assertEquals(
                "pixel_accuracy",
                VisionTasks.forDataset("cityscapes").headline().secondaryKey());
        assertEquals("AP", VisionTasks.forDataset("coco").headline().primaryKey());
        assertEquals("COCOeval", VisionTasks.forDataset("coco").headline().rules());
    }
}
