package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.augment.View;
import io.distill4j.augment.ViewedSample;
import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.model.SizedGraphs;
import io.distill4j.onnx.export.OnnxExporter;
import io.distill4j.onnx.export.SpatialSize;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.StageOutputException;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.Examples;
import io.distill4j.train.Networks;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
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
    @TempDir
    static java.nio.file.Path tmp;

    static java.nio.file.Path sample;
    static java.nio.file.Path work;
    static SparkSession spark;
    static final PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    static final String CROP = "train.augment={scale=[0.75, 1.5], crop=[16, 32], hflip=0.5}";
    static final String CWD = "distill.terms=[{kind=cwd, student-tap=logits, teacher-output=logits, weight=1, tau=4}]";
    static final String TRANSFORM = "distill.teacher-views=transform";

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

    static ComputationGraph student(String run) throws Exception {
        return ModelSerializer.restoreComputationGraph(
                work.resolve("runs/" + run + "/student.zip").toFile(), false);
    }

    /** The saved student takes shard-sized images and evaluate scores it on the shards' validation split. */
    static void assertDeployedAtTheShardSize(String run) throws Exception {
        ComputationGraph s = student(run);
        assertEquals(new SpatialSize(32, 64), OnnxExporter.trainedSize(s.getConfiguration()), run);
        INDArray logits = s.feedForward(Nd4j.rand(1, 3, 32, 64), false).get("logits");
        assertArrayEquals(new long[] {1, 19, 8, 16}, logits.shape(), run + ": logits at stride 4 of 32x64");
        EvaluateJob.Evaluated e = new EvaluateJob(spark, config(), quiet)
                .evaluate(run, new Path(work.resolve("runs/" + run).toUri()));
        assertTrue(e.metrics().totalPixels() > 0, run);
        assertTrue(Double.isFinite(e.metrics().meanIou()), run);
    }

    @Test
    void transformedTeacherMapsTrainAtTheCropAndTheStudentEvaluatesAtTheShardSize() throws Exception {
        DistillJob.Result r = new DistillJob(
                        spark, config("distill.run-id=transform", "train.epochs=1", CROP, TRANSFORM, CWD), false, quiet)
                .run();
        assertEquals(8, r.examples());
        assertDeployedAtTheShardSize("transform");
        // The checkpoints hold the graph that trained, at the crop size, which is what resume reads.
        ComputationGraph checkpoint = ModelSerializer.restoreComputationGraph(
                work.resolve("runs/transform/checkpoints/epoch-0001.zip").toFile(), false);
        assertEquals(new SpatialSize(16, 32), OnnxExporter.trainedSize(checkpoint.getConfiguration()));
    }

    @Test
    void theOnlineTeacherRunsAtTheCropSize() throws Exception {
        DistillJob.Result r = new DistillJob(
                        spark,
                        config("distill.run-id=online", "train.epochs=1", CROP, CWD, "distill.teacher-mode=online"),
                        false,
                        quiet)
                .run();
        assertEquals(8, r.examples());
        assertDeployedAtTheShardSize("online");
    }

    @Test
    void aResumedCroppedRunEqualsAnUninterruptedOne() throws Exception {
        new DistillJob(spark, config("distill.run-id=c-full", "train.epochs=2", CROP, TRANSFORM, CWD), false, quiet)
                .run();
        new DistillJob(spark, config("distill.run-id=c-split", "train.epochs=1", CROP, TRANSFORM, CWD), false, quiet)
                .run();
        // "Crash" after epoch 1: the checkpoint stays, the manifest goes; rerun with the full budget.
        FileSystem.getLocal(new Configuration())
                .delete(new Path(work.resolve("runs/c-split/_manifest.json").toUri()), false);
        new DistillJob(spark, config("distill.run-id=c-split", "train.epochs=2", CROP, TRANSFORM, CWD), false, quiet)
                .run();
        INDArray full = student("c-full").params();
        INDArray split = student("c-split").params();
        double diff =
                full.sub(split).norm2Number().doubleValue() / full.norm2Number().doubleValue();
        assertTrue(diff < 1e-4, "resumed vs uninterrupted cropped run: relative parameter difference " + diff);
    }

    @Test
    void aCropTheStridesCannotDivideIsRefusedNamingTheKey() {
        StageOutputException e = assertThrows(StageOutputException.class, () -> new DistillJob(
                        spark,
                        config(
                                "distill.run-id=odd-crop",
                                "train.augment={scale=[1, 1], crop=[18, 32], hflip=0}",
                                TRANSFORM,
                                CWD),
                        false,
                        quiet)
                .run());
        assertTrue(
                e.getMessage().startsWith("train.augment.crop = [18, 32] (shards 32x64): model spec"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void cachedExactViewsAtTheCropReproduceTheTeacherThereAndDistillTrainsOnThem() throws Exception {
        String k = "cache.views-per-sample=2";
        String root = "cache.output=\"" + tmp.resolve("crop-views-cache") + "\"";
        Distill4jConfig c = config(CROP, k, root);
        CacheTeacherJob.Result r = new CacheTeacherJob(spark, c, quiet).run();
        assertEquals(16L, r.rows().get("train"), "8 samples x 2 views x logits");
        // The teacher at the crop size, rebuilt here from the model settings and teacher.zip's parameters.
        ComputationGraph teacher = SizedGraphs.withParameters(
                Networks.teacher(c, 19, 16, 32).withLossOutputs(Map.of("logits", new LossL2())),
                ModelSerializer.restoreComputationGraph(
                        work.resolve("teacher/teacher.zip").toFile(), false));
        Configuration conf = new Configuration();
        Path shardFile = ShardFiles.list(
                        FileSystem.getLocal(conf),
                        new Path(work.resolve("shards").toUri()),
                        "train")
                .get(0);
        Map<String, ShardRecord> shards = new HashMap<>();
        for (ShardRecord s : ShardFiles.read(conf, shardFile)) shards.put(s.sampleId(), s);
        int checked = 0;
        for (CacheRow row : CacheParquet.read(conf, new Path(new Path(r.dir(), "train"), shardFile.getName()))) {
            View v = View.parse(row.view());
            assertEquals(16, v.outHeight(), row.view());
            assertEquals(32, v.outWidth(), row.view());
            ShardRecord seen = ViewedSample.of(shards.get(row.sampleId()), v);
            float[] direct = teacher.feedForward(new INDArray[] {Examples.image(seen)}, false, false)
                    .get("logits")
                    .dup('c')
                    .data()
                    .asFloat();
            float[] cached = TensorCodecs.forSpec(row.tensor().codec()).decode(row.tensor());
            assertEquals(19 * 4 * 8, cached.length, "logits at stride 4 of the 16x32 crop");
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

        DistillJob.Result exact = new DistillJob(
                        spark, config("distill.run-id=exact", "train.epochs=1", CROP, k, root, CWD), false, quiet)
                .run();
        assertEquals(8, exact.examples());
        assertDeployedAtTheShardSize("exact");
    }

    @Test
    void exactViewsOfAnOnnxTeacherOnCropsAreRefusedNamingTheKey() {
        StageOutputException e = assertThrows(StageOutputException.class, () -> new CacheTeacherJob(
                        spark,
                        config(
                                CROP,
                                "cache.views-per-sample=2",
                                "cache.output=\"" + tmp.resolve("onnx-crop-cache") + "\"",
                                "teacher.onnx.path=\"" + tmp.resolve("teacher.onnx") + "\""),
                        quiet)
                .run());
        assertTrue(
                e.getMessage().startsWith("train.augment.crop = [16, 32] (shards 32x64): cache.views-per-sample = 2"),
                e.getMessage());
        assertTrue(e.getMessage().contains("teacher.onnx.path"), e.getMessage());
    }

    @Test
    void crossKdOnCropsGraftsTheTeachersHeadAndSavesTheStudentAlone() throws Exception {
        DistillJob.Result r = new DistillJob(
                        spark,
                        config(
                                "distill.run-id=crosskd",
                                "train.epochs=1",
                                CROP,
                                TRANSFORM,
                                "distill.terms=[{kind=crosskd, student-tap=neck, teacher-output=logits, weight=1, tau=2}]"),
                        false,
                        quiet)
                .run();
        assertEquals(8, r.examples());
        ComputationGraph checkpoint = ModelSerializer.restoreComputationGraph(
                work.resolve("runs/crosskd/checkpoints/epoch-0001.zip").toFile(), false);
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                work.resolve("teacher/teacher.zip").toFile(), false);
        assertEquals(
                teacher.getLayer("logits").params(),
                checkpoint.getLayer("crosskd_neck_logits").params(),
                "the grafted teacher head, copied into the crop-sized graph, stays frozen");
        assertDeployedAtTheShardSize("crosskd");
        assertTrue(student("crosskd").getConfiguration().getVertices().keySet().stream()
                .noneMatch(v -> v.startsWith("crosskd_")));
    }
}
