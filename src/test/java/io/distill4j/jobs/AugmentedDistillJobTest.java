package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.augment.View;
import io.distill4j.augment.ViewedSample;
import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.StageOutputException;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.Examples;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** distill with train.augment on real local[2] Spark: cached maps transformed, the online teacher, resume, refusals. */
@Tag("spark")
class AugmentedDistillJobTest {
    @TempDir
    static java.nio.file.Path tmp;

    static java.nio.file.Path sample;
    static java.nio.file.Path work;
    static SparkSession spark;
    static final PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    static final String AUGMENT = "train.augment={scale=[0.75, 1.5], crop=[0, 0], hflip=0.5}";
    static final String CWD = "distill.terms=[{kind=cwd, student-tap=logits, teacher-output=logits, weight=1, tau=4}]";

    @BeforeAll
    static void start() throws Exception {
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        Distill4jConfig c = config();
        spark = SparkTestSupport.spark(c);
        new ShardJob(spark, c.dataset(), c.shard()).run();
        new TrainTeacherJob(spark, c, quiet).run();
        new CacheTeacherJob(spark, c, quiet).run();
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    static Distill4jConfig config(String... extra) {
        return SparkTestSupport.config(work, sample, extra);
    }

    static INDArray student(String run) throws Exception {
        return ModelSerializer.restoreComputationGraph(
                        work.resolve("runs/" + run + "/student.zip").toFile(), false)
                .params();
    }

    static double relativeDifference(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    }

    @Test
    void resumedAugmentedRunWithTransformedTeacherMapsEqualsUninterruptedRun() throws Exception {
        String views = "distill.teacher-views=transform";
        new DistillJob(spark, config("distill.run-id=t-full", "train.epochs=3", AUGMENT, views, CWD), false, quiet)
                .run();
        new DistillJob(spark, config("distill.run-id=t-split", "train.epochs=1", AUGMENT, views, CWD), false, quiet)
                .run();
        // "Crash" after epoch 1: the checkpoint stays, the manifest goes; rerun with the full budget.
        FileSystem.getLocal(new Configuration())
                .delete(new Path(work.resolve("runs/t-split/_manifest.json").toUri()), false);
        new DistillJob(spark, config("distill.run-id=t-split", "train.epochs=3", AUGMENT, views, CWD), false, quiet)
                .run();
        double diff = relativeDifference(student("t-full"), student("t-split"));
        assertTrue(diff < 1e-4, "resumed vs uninterrupted augmented run: relative parameter difference " + diff);
    }

    @Test
    void augmentationChangesWhatTheStudentTrainsOnAndTheOnlineTeacherFollowsIt() throws Exception {
        new DistillJob(spark, config("distill.run-id=plain", "train.epochs=1", "distill.terms=[]"), false, quiet).run();
        new DistillJob(
                        spark,
                        config("distill.run-id=jitter", "train.epochs=1", "distill.terms=[]", AUGMENT),
                        false,
                        quiet)
                .run();
        double diff = relativeDifference(student("plain"), student("jitter"));
        assertTrue(diff > 1e-3, "the same seed with and without augmentation trained the same student: " + diff);
        DistillJob.Result online = new DistillJob(
                        spark,
                        config("distill.run-id=online", "train.epochs=1", AUGMENT, CWD, "distill.teacher-mode=online"),
                        false,
                        quiet)
                .run();
        assertEquals(8, online.examples());
    }

    @Test
    void aCachedRowsRecordedViewReproducesTheTeachersInputAndDistillTrainsOnExactViews() throws Exception {
        String k = "cache.views-per-sample=2";
        String root = "cache.output=\"" + tmp.resolve("views-cache") + "\"";
        CacheTeacherJob.Result r = new CacheTeacherJob(spark, config(AUGMENT, k, root), quiet).run();
        assertEquals(16L, r.rows().get("train"), "8 samples x 2 views x logits");
        // Bytes per sample count all of a sample's views: the split's Parquet files over its 8 samples,
        // more than one view's raw fp16 19x8x16 map (teacher logits hardly compress).
        double perSample =
                TeacherCache.bytesPerSample(spark, new Path(r.dir()), "train").get("logits");
        assertEquals(TeacherCache.parquetBytes(spark, new Path(r.dir(), "train")) / 8.0, perSample, 1e-6);
        assertTrue(perSample > 19 * 8 * 16 * 2, "two fp16 19x8x16 logit maps per sample: " + perSample);
        Configuration conf = new Configuration();
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                work.resolve("teacher/teacher.zip").toFile(), false);
        Path shardFile = ShardFiles.list(
                        FileSystem.getLocal(conf),
                        new Path(work.resolve("shards").toUri()),
                        "train")
                .get(0);
        Map<String, ShardRecord> shards = new HashMap<>();
        for (ShardRecord s : ShardFiles.read(conf, shardFile)) shards.put(s.sampleId(), s);
        Set<String> views = new HashSet<>();
        int checked = 0;
        for (CacheRow row : CacheParquet.read(conf, new Path(new Path(r.dir(), "train"), shardFile.getName()))) {
            View v = View.parse(row.view());
            views.add(row.sampleId() + " " + row.view());
            ShardRecord seen = ViewedSample.of(shards.get(row.sampleId()), v);
            float[] direct = teacher.feedForward(new INDArray[] {Examples.image(seen)}, false, false)
                    .get("logits")
                    .dup('c')
                    .data()
                    .asFloat();
            float[] cached = TensorCodecs.forSpec(row.tensor().codec()).decode(row.tensor());
            for (int i = 0; i < direct.length; i++) {
                assertEquals(
                        direct[i],
                        cached[i],
                        Math.abs(direct[i]) * 1e-3 + 1e-4,
                        row.sampleId() + " view " + row.view() + " logit " + i);
            }
            checked++;
        }
        assertEquals(2 * shards.size(), checked);
        assertEquals(checked, views.size(), "two different views per sample");

        DistillJob.Result exact = new DistillJob(
                        spark, config("distill.run-id=exact", "train.epochs=1", AUGMENT, k, root, CWD), false, quiet)
                .run();
        assertEquals(8, exact.examples());
        StageOutputException e = assertThrows(StageOutputException.class, () -> new DistillJob(
                        spark,
                        config(
                                "distill.run-id=other-views",
                                "train.epochs=1",
                                AUGMENT,
                                "train.augment.hflip=0.25",
                                k,
                                root,
                                CWD),
                        false,
                        quiet)
                .run());
        assertTrue(
                e.getMessage()
                        .contains(
                                "holds the teacher's outputs on 'views=2;view-seed=1;scale=[0.75,1.5];crop=[0,0];hflip=0.5' "
                                        + "but this run expects 'views=2;view-seed=1;scale=[0.75,1.5];crop=[0,0];hflip=0.25'"),
                e.getMessage());
    }

    @Test
    void anIdentityViewCacheIsRefusedForAugmentedViewsWithOneLine() {
        StageOutputException e = assertThrows(
                StageOutputException.class,
                () -> new DistillJob(spark, config("distill.run-id=refused", AUGMENT, CWD), false, quiet).run());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "train.augment is on (scale=[0.75,1.5];crop=[0,0];hflip=0.5) but the teacher cache"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
        assertTrue(
                !java.nio.file.Files.exists(work.resolve("runs/refused/config.conf")),
                "nothing written for a refused run");
    }
}
