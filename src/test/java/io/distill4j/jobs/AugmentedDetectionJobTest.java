package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.model.SizedGraphs;
import io.distill4j.storage.StageOutputException;
import io.distill4j.train.DetectionObjective;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * distill of a COCO detector with train.augment on real local[2] Spark: exact cached views, the online
 * teacher with resume, transformed heatmaps, and the refusal of a transformed 'reg' map. The boxes' own
 * geometry is unit tested in ViewBoxesTest; here the whole job runs on augmented detection examples,
 * also on crops smaller than the shards.
 */
@Tag("spark")
class AugmentedDetectionJobTest {
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.cocoSample()
            .with("cache.outputs=[{name=heatmap, codec=fp16}]")
            .sharded()
            .teacher("teacher.epochs=1");

    static final String AUGMENT = "train.augment={scale=[0.75, 1.25], crop=[0, 0], hflip=0.5}";
    static final String HEATMAP_KD =
            "distill.terms=[{kind=pixel-kd, student-tap=heatmap, teacher-output=heatmap, weight=1, tau=1}]";

    static List<JsonNode> epochs(String run) throws Exception {
        return MetricsJsonl.epochs(job.work().resolve("runs/" + run + "/metrics.jsonl"));
    }

    @Test
    void cachedViewsOfADetectorReproduceItsHeatmapOnTheViewAndDistillTrainsOnThem() throws Exception {
        String k = "cache.views-per-sample=2";
        String root = "cache.output=\"" + job.dir().resolve("views-cache") + "\"";
        CacheTeacherJob.Result r = new CacheTeacherJob(job.spark(), job.config(AUGMENT, k, root), QUIET).run();
        assertEquals(12L, r.rows().get("train2017"), "6 samples x 2 views x heatmap");
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                job.work().resolve("teacher/teacher.zip").toFile(), false);
        TeacherRerun.Checked checked = TeacherRerun.assertCachedViewsMatch(
                teacher, "heatmap", r.dir(), "train2017", TeacherRerun.shardFiles(job.work(), "train2017"));
        Set<String> views = new HashSet<>();
        boolean sawFlip = false;
        for (TeacherRerun.Row row : checked.rows()) {
            sawFlip |= row.view().flip();
            views.add(row.sampleId() + " " + row.view().describe());
        }
        assertEquals(12, views.size(), "two different views per sample");
        assertTrue(sawFlip, "hflip = 0.5 drew no flipped view in 12: " + views);

        DistillJob.Result exact =
                job.distill("distill.run-id=det-exact", "train.epochs=2", AUGMENT, k, root, HEATMAP_KD);
        assertEquals(6, exact.examples());
        List<JsonNode> e = epochs("det-exact");
        assertEquals(2, e.size());
        for (String term : List.of(DetectionObjective.HEATMAP_OUTPUT, "pixel-kd@heatmap")) {
            double v = e.get(1).path("terms").path(term).asDouble(Double.NaN);
            assertTrue(Double.isFinite(v) && v > 0, term + " after an epoch on exact views: " + e.get(1));
        }
    }

    @Test
    void anAugmentedDetectorWithTheOnlineTeacherResumesExactlyAndDiffersFromThePlainRun() throws Exception {
        String online = "distill.teacher-mode=online";
        job.distill("distill.run-id=det-full", "train.epochs=3", AUGMENT, online, HEATMAP_KD);
        job.distill("distill.run-id=det-split", "train.epochs=1", AUGMENT, online, HEATMAP_KD);
        // "Crash" after epoch 1: the checkpoint stays, the manifest goes; rerun with the full budget.
        DistillRuns.dropManifest(job.work(), "det-split");
        job.distill("distill.run-id=det-split", "train.epochs=3", AUGMENT, online, HEATMAP_KD);
        double resumed = DistillRuns.relativeDifference(job.work(), "det-full", "det-split");
        assertTrue(
                resumed < 1e-4,
                "resumed vs uninterrupted augmented detector: relative parameter difference " + resumed);

        job.distill("distill.run-id=det-plain", "train.epochs=3", online, HEATMAP_KD);
        double augmented = DistillRuns.relativeDifference(job.work(), "det-full", "det-plain");
        assertTrue(
                augmented > 1e-3,
                "the same seed with and without augmentation trained the same detector: " + augmented);
    }

    @Test
    void transformedHeatmapsTrainADetectorButATransformedRegMapIsRefusedWithOneLine() throws Exception {
        String transform = "distill.teacher-views=transform";
        String root = "cache.output=\"" + job.dir().resolve("full-cache") + "\"";
        new CacheTeacherJob(job.spark(), job.config(root), QUIET).run();
        DistillJob.Result r =
                job.distill("distill.run-id=det-transform", "train.epochs=1", AUGMENT, transform, root, HEATMAP_KD);
        assertEquals(6, r.examples());

        String regRoot = "cache.output=\"" + job.dir().resolve("reg-cache") + "\"";
        String regOutputs = "cache.outputs=[{name=heatmap, codec=fp16}, {name=reg, codec=fp32}]";
        new CacheTeacherJob(job.spark(), job.config(regRoot, regOutputs), QUIET).run();
        StageOutputException e = assertThrows(
                StageOutputException.class,
                () -> job.distill(
                        "distill.run-id=det-reg",
                        "train.epochs=1",
                        AUGMENT,
                        transform,
                        regRoot,
                        regOutputs,
                        "distill.terms=[{kind=crosskd, student-tap=head_feat, teacher-output=reg, weight=1, tau=1}]"));
        assertTrue(
                e.getMessage().startsWith("distill.teacher-views = transform cannot resample the teacher's 'reg'"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(Files.exists(job.work().resolve("runs/det-reg/config.conf")), "nothing written for a refused run");
    }

    @Test
    void cachedViewsOfADetectorAtTheCropReproduceItsHeatmapThereAndDistillTrainsOnThem() throws Exception {
        // 16x16 crops of the 32x32 shards: the teacher runs at the crop size with teacher.zip's parameters.
        String crop = "train.augment={scale=[0.75, 1.25], crop=[16, 16], hflip=0.5}";
        String k = "cache.views-per-sample=2";
        String root = "cache.output=\"" + job.dir().resolve("crop-views-cache") + "\"";
        Distill4jConfig c = job.config(crop, k, root);
        CacheTeacherJob.Result r = new CacheTeacherJob(job.spark(), c, QUIET).run();
        assertEquals(12L, r.rows().get("train2017"), "6 samples x 2 views x heatmap");
        TaskModels sized = TaskModels.of(
                        c,
                        Shards.open(
                                job.spark(),
                                job.work().resolve("shards").toUri().toString()),
                        "test")
                .atInputSize(16, 16);
        ComputationGraph teacher = SizedGraphs.withParameters(
                sized.teacherObjective(sized.teacher()).configuration(),
                ModelSerializer.restoreComputationGraph(
                        job.work().resolve("teacher/teacher.zip").toFile(), false));
        TeacherRerun.Checked checked = TeacherRerun.assertCachedViewsMatch(
                teacher, "heatmap", r.dir(), "train2017", TeacherRerun.shardFiles(job.work(), "train2017"));
        for (TeacherRerun.Row row : checked.rows()) {
            assertEquals(
                    List.of(16, 16),
                    List.of(row.view().outHeight(), row.view().outWidth()),
                    row.view().describe());
        }
        assertEquals(12, checked.rows().size());

        DistillJob.Result exact =
                job.distill("distill.run-id=det-crop-exact", "train.epochs=1", crop, k, root, HEATMAP_KD);
        assertEquals(6, exact.examples());
        double kd = epochs("det-crop-exact")
                .get(0)
                .path("terms")
                .path("pixel-kd@heatmap")
                .asDouble(Double.NaN);
        assertTrue(Double.isFinite(kd) && kd > 0, "pixel KD on cached cropped heatmaps: " + kd);
    }

    @Test
    void aDetectorTrainsOnCropsWithTheOnlineTeacherAndIsSavedAtTheShardSize() throws Exception {
        // 16x16 crops of the 32x32 shards: the student and the teacher's pyramid pooling run on a 4x4 grid.
        String crop = "train.augment={scale=[0.75, 1.25], crop=[16, 16], hflip=0.5}";
        DistillJob.Result r = job.distill(
                "distill.run-id=det-crop", "train.epochs=1", crop, "distill.teacher-mode=online", HEATMAP_KD);
        assertEquals(6, r.examples());
        double kd =
                epochs("det-crop").get(0).path("terms").path("pixel-kd@heatmap").asDouble(Double.NaN);
        assertTrue(Double.isFinite(kd) && kd > 0, "pixel KD on cropped heatmaps: " + kd);
        ComputationGraph saved = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/det-crop/student.zip").toFile(), false);
        assertEquals(
                new io.distill4j.onnx.export.SpatialSize(32, 32),
                io.distill4j.onnx.export.OnnxExporter.trainedSize(saved.getConfiguration()));
        EvaluateJob.Evaluated e = new EvaluateJob(job.spark(), job.config("evaluate.split=val2017"), QUIET)
                .evaluate(
                        "det-crop", new Path(job.work().resolve("runs/det-crop").toUri()));
        assertEquals("detection", e.task());
        assertTrue(e.stats() != null, "COCOeval ran on the shard-sized student");
    }
}
