package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.model.SizedGraphs;
import io.distill4j.onnx.export.OnnxExporter;
import io.distill4j.onnx.export.SpatialSize;
import io.distill4j.storage.StageOutputException;
import io.distill4j.train.Networks;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * distill at train.augment.crop = half the shard size (shards 32x64, crops 16x32) on real local[2]
 * Spark: the student (and an online teacher) train at the crop size, student.zip is at the shard
 * size and evaluates there, a resumed run equals an uninterrupted one, and cache-teacher's exact
 * views are cached at the crop size.
 */
@Tag("spark")
class CroppedDistillJobTest {
    @RegisterExtension
    static final SparkJobFixture job =
            SparkJobFixture.testSample().sharded().teacher().cached();

    static final String CROP = "train.augment={scale=[0.75, 1.5], crop=[16, 32], hflip=0.5}";
    static final String CWD = "distill.terms=[{kind=cwd, student-tap=logits, teacher-output=logits, weight=1, tau=4}]";
    static final String TRANSFORM = "distill.teacher-views=transform";

    static ComputationGraph student(String run) throws Exception {
        return DistillRuns.student(job.work(), run);
    }

    /** The saved student takes shard-sized images and evaluate scores it on the shards' validation split. */
    static void assertDeployedAtTheShardSize(String run) throws Exception {
        ComputationGraph s = student(run);
        assertEquals(new SpatialSize(32, 64), OnnxExporter.trainedSize(s.getConfiguration()), run);
        INDArray logits = s.feedForward(Nd4j.rand(1, 3, 32, 64), false).get("logits");
        assertArrayEquals(new long[] {1, 19, 8, 16}, logits.shape(), run + ": logits at stride 4 of 32x64");
        EvaluateJob.Evaluated e = new EvaluateJob(job.spark(), job.config(), QUIET)
                .evaluate(run, new Path(job.work().resolve("runs/" + run).toUri()));
        assertTrue(e.metrics().totalPixels() > 0, run);
        assertTrue(Double.isFinite(e.metrics().meanIou()), run);
    }

    @Test
    void transformedTeacherMapsTrainAtTheCropAndTheStudentEvaluatesAtTheShardSize() throws Exception {
        DistillJob.Result r = job.distill("distill.run-id=transform", "train.epochs=1", CROP, TRANSFORM, CWD);
        assertEquals(8, r.examples());
        assertDeployedAtTheShardSize("transform");
        // The checkpoints hold the graph that trained, at the crop size, which is what resume reads.
        ComputationGraph checkpoint = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/transform/checkpoints/epoch-0001.zip").toFile(), false);
        assertEquals(new SpatialSize(16, 32), OnnxExporter.trainedSize(checkpoint.getConfiguration()));
    }

    @Test
    void theOnlineTeacherRunsAtTheCropSize() throws Exception {
        DistillJob.Result r =
                job.distill("distill.run-id=online", "train.epochs=1", CROP, CWD, "distill.teacher-mode=online");
        assertEquals(8, r.examples());
        assertDeployedAtTheShardSize("online");
    }

    @Test
    void aResumedCroppedRunEqualsAnUninterruptedOne() throws Exception {
        job.distill("distill.run-id=c-full", "train.epochs=2", CROP, TRANSFORM, CWD);
        job.distill("distill.run-id=c-split", "train.epochs=1", CROP, TRANSFORM, CWD);
        // "Crash" after epoch 1: the checkpoint stays, the manifest goes; rerun with the full budget.
        DistillRuns.dropManifest(job.work(), "c-split");
        job.distill("distill.run-id=c-split", "train.epochs=2", CROP, TRANSFORM, CWD);
        double diff = DistillRuns.relativeDifference(job.work(), "c-full", "c-split");
        assertTrue(diff < 1e-4, "resumed vs uninterrupted cropped run: relative parameter difference " + diff);
    }

    @Test
    void aCropTheStridesCannotDivideIsRefusedNamingTheKey() {
        StageOutputException e = assertThrows(
                StageOutputException.class,
                () -> job.distill(
                        "distill.run-id=odd-crop",
                        "train.augment={scale=[1, 1], crop=[18, 32], hflip=0}",
                        TRANSFORM,
                        CWD));
        assertTrue(
                e.getMessage().startsWith("train.augment.crop = [18, 32] (shards 32x64): model spec"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void cachedExactViewsAtTheCropReproduceTheTeacherThereAndDistillTrainsOnThem() throws Exception {
        String k = "cache.views-per-sample=2";
        String root = "cache.output=\"" + job.dir().resolve("crop-views-cache") + "\"";
        Distill4jConfig c = job.config(CROP, k, root);
        CacheTeacherJob.Result r = new CacheTeacherJob(job.spark(), c, QUIET).run();
        assertEquals(16L, r.rows().get("train"), "8 samples x 2 views x logits");
        // The teacher at the crop size, rebuilt here from the model settings and teacher.zip's parameters.
        ComputationGraph teacher = SizedGraphs.withParameters(
                Networks.teacher(c, 19, 16, 32).withLossOutputs(Map.of("logits", new LossL2())),
                ModelSerializer.restoreComputationGraph(
                        job.work().resolve("teacher/teacher.zip").toFile(), false));
        // The first shard file's samples and their cache file.
        List<Path> shardFile = TeacherRerun.shardFiles(job.work(), "train").subList(0, 1);
        TeacherRerun.Checked checked =
                TeacherRerun.assertCachedViewsMatch(teacher, "logits", r.dir(), "train", shardFile);
        for (TeacherRerun.Row row : checked.rows()) {
            assertEquals(16, row.view().outHeight(), row.view().describe());
            assertEquals(32, row.view().outWidth(), row.view().describe());
            assertEquals(19 * 4 * 8, row.values(), "logits at stride 4 of the 16x32 crop");
        }
        assertEquals(2 * checked.samples(), checked.rows().size());

        DistillJob.Result exact = job.distill("distill.run-id=exact", "train.epochs=1", CROP, k, root, CWD);
        assertEquals(8, exact.examples());
        assertDeployedAtTheShardSize("exact");
    }

    @Test
    void exactViewsOfAnOnnxTeacherOnCropsAreRefusedNamingTheKey() {
        StageOutputException e = assertThrows(StageOutputException.class, () -> new CacheTeacherJob(
                        job.spark(),
                        job.config(
                                CROP,
                                "cache.views-per-sample=2",
                                "cache.output=\"" + job.dir().resolve("onnx-crop-cache") + "\"",
                                "teacher.onnx.path=\"" + job.dir().resolve("teacher.onnx") + "\""),
                        QUIET)
                .run());
        assertTrue(
                e.getMessage().startsWith("train.augment.crop = [16, 32] (shards 32x64): cache.views-per-sample = 2"),
                e.getMessage());
        assertTrue(e.getMessage().contains("teacher.onnx.path"), e.getMessage());
    }

    @Test
    void crossKdOnCropsGraftsTheTeachersHeadAndSavesTheStudentAlone() throws Exception {
        DistillJob.Result r = job.distill(
                "distill.run-id=crosskd",
                "train.epochs=1",
                CROP,
                TRANSFORM,
                "distill.terms=[{kind=crosskd, student-tap=neck, teacher-output=logits, weight=1, tau=2}]");
        assertEquals(8, r.examples());
        ComputationGraph checkpoint = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/crosskd/checkpoints/epoch-0001.zip").toFile(), false);
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                job.work().resolve("teacher/teacher.zip").toFile(), false);
        assertEquals(
                teacher.getLayer("logits").params(),
                checkpoint.getLayer("crosskd_neck_logits").params(),
                "the grafted teacher head, copied into the crop-sized graph, stays frozen");
        assertDeployedAtTheShardSize("crosskd");
        assertTrue(student("crosskd").getConfiguration().getVertices().keySet().stream()
                .noneMatch(v -> v.startsWith("crosskd_")));
    }
}
