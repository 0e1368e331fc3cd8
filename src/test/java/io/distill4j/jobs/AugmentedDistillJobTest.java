package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.storage.StageOutputException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** distill with train.augment on real local[2] Spark: cached maps transformed, the online teacher, resume, refusals. */
@Tag("spark")
class AugmentedDistillJobTest {
    @RegisterExtension
    static final SparkJobFixture job =
            SparkJobFixture.testSample().sharded().teacher().cached();

    static final String AUGMENT = "train.augment={scale=[0.75, 1.5], crop=[0, 0], hflip=0.5}";
    static final String CWD = "distill.terms=[{kind=cwd, student-tap=logits, teacher-output=logits, weight=1, tau=4}]";

    @Test
    void resumedAugmentedRunWithTransformedTeacherMapsEqualsUninterruptedRun() throws Exception {
        String views = "distill.teacher-views=transform";
        job.distill("distill.run-id=t-full", "train.epochs=3", AUGMENT, views, CWD);
        job.distill("distill.run-id=t-split", "train.epochs=1", AUGMENT, views, CWD);
        // "Crash" after epoch 1: the checkpoint stays, the manifest goes; rerun with the full budget.
        DistillRuns.dropManifest(job.work(), "t-split");
        job.distill("distill.run-id=t-split", "train.epochs=3", AUGMENT, views, CWD);
        double diff = DistillRuns.relativeDifference(job.work(), "t-full", "t-split");
        assertTrue(diff < 1e-4, "resumed vs uninterrupted augmented run: relative parameter difference " + diff);
    }

    @Test
    void augmentationChangesWhatTheStudentTrainsOnAndTheOnlineTeacherFollowsIt() throws Exception {
        job.distill("distill.run-id=plain", "train.epochs=1", "distill.terms=[]");
        job.distill("distill.run-id=jitter", "train.epochs=1", "distill.terms=[]", AUGMENT);
        double diff = DistillRuns.relativeDifference(job.work(), "plain", "jitter");
        assertTrue(diff > 1e-3, "the same seed with and without augmentation trained the same student: " + diff);
        DistillJob.Result online =
                job.distill("distill.run-id=online", "train.epochs=1", AUGMENT, CWD, "distill.teacher-mode=online");
        assertEquals(8, online.examples());
    }

    @Test
    void aCachedRowsRecordedViewReproducesTheTeachersInputAndDistillTrainsOnExactViews() throws Exception {
        String k = "cache.views-per-sample=2";
        String root = "cache.output=\"" + job.dir().resolve("views-cache") + "\"";
        CacheTeacherJob.Result r = new CacheTeacherJob(job.spark(), job.config(AUGMENT, k, root), QUIET).run();
        assertEquals(16L, r.rows().get("train"), "8 samples x 2 views x logits");
        // Bytes per sample count all of a sample's views: the split's Parquet files over its 8 samples,
        // more than one view's raw fp16 19x8x16 map (teacher logits hardly compress).
        double perSample = TeacherCache.bytesPerSample(job.spark(), new Path(r.dir()), "train")
                .get("logits");
        assertEquals(TeacherCache.parquetBytes(job.spark(), new Path(r.dir(), "train")) / 8.0, perSample, 1e-6);
        assertTrue(perSample > 19 * 8 * 16 * 2, "two fp16 19x8x16 logit maps per sample: " + perSample);
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                job.work().resolve("teacher/teacher.zip").toFile(), false);
        // The first shard file's samples and their cache file.
        List<Path> shardFile = TeacherRerun.shardFiles(job.work(), "train").subList(0, 1);
        TeacherRerun.Checked checked =
                TeacherRerun.assertCachedViewsMatch(teacher, "logits", r.dir(), "train", shardFile);
        Set<String> views = new HashSet<>();
        for (TeacherRerun.Row row : checked.rows())
            views.add(row.sampleId() + " " + row.view().describe());
        assertEquals(2 * checked.samples(), checked.rows().size());
        assertEquals(checked.rows().size(), views.size(), "two different views per sample");

        DistillJob.Result exact = job.distill("distill.run-id=exact", "train.epochs=1", AUGMENT, k, root, CWD);
        assertEquals(8, exact.examples());
        StageOutputException e = assertThrows(
                StageOutputException.class,
                () -> job.distill(
                        "distill.run-id=other-views",
                        "train.epochs=1",
                        AUGMENT,
                        "train.augment.hflip=0.25",
                        k,
                        root,
                        CWD));
        assertTrue(
                e.getMessage()
                        .contains(
                                "holds the teacher's outputs on 'views=2;view-seed=1;scale=[0.75,1.5];crop=[0,0];hflip=0.5' "
                                        + "but this run expects 'views=2;view-seed=1;scale=[0.75,1.5];crop=[0,0];hflip=0.25'"),
                e.getMessage());
    }

    @Test
    void anIdentityViewCacheIsRefusedForAugmentedViewsWithOneLine() {
        StageOutputException e =
                assertThrows(StageOutputException.class, () -> job.distill("distill.run-id=refused", AUGMENT, CWD));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "train.augment is on (scale=[0.75,1.5];crop=[0,0];hflip=0.5) but the teacher cache"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
        assertTrue(
                !java.nio.file.Files.exists(job.work().resolve("runs/refused/config.conf")),
                "nothing written for a refused run");
    }
}
