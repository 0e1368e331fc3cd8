package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.augment.View;
import io.distill4j.augment.ViewedSample;
import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.sample.SampleDatasetGenerator;
import io.distill4j.data.sample.SampleSpec;
import io.distill4j.model.SizedGraphs;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.StageOutputException;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.DetectionObjective;
import io.distill4j.train.Examples;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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

/**
 * distill of a COCO detector with train.augment on real local[2] Spark: exact cached views, the online
 * teacher with resume, transformed heatmaps, and the refusal of a transformed 'reg' map. The boxes' own
 * geometry is unit tested in ViewBoxesTest; here the whole job runs on augmented detection examples,
 * also on crops smaller than the shards.
 */
@Tag("spark")
class AugmentedDetectionJobTest {
    @TempDir
    static java.nio.file.Path tmp;

    static java.nio.file.Path sample;
    static java.nio.file.Path work;
    static SparkSession spark;
    static final PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    static final String AUGMENT = "train.augment={scale=[0.75, 1.25], crop=[0, 0], hflip=0.5}";
    static final String HEATMAP_KD =
            "distill.terms=[{kind=pixel-kd, student-tap=heatmap, teacher-output=heatmap, weight=1, tau=1}]";

    @BeforeAll
    static void start() throws Exception {
        sample = tmp.resolve("sample");
        Files.createDirectories(sample);
        SampleDatasetGenerator.generate(
                FileSystem.getLocal(new Configuration()),
                new Path(sample.toUri()),
                new SampleSpec(11, new SampleSpec.DatasetSize(1, 1, 64, 64), new SampleSpec.DatasetSize(6, 3, 96, 96)));
        work = tmp.resolve("work");
        Distill4jConfig c = config();
        spark = SparkTestSupport.spark(c);
        new ShardJob(spark, c.dataset(), c.shard()).run();
        new TrainTeacherJob(spark, config("teacher.epochs=1"), quiet).run();
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    /** COCO sample shards at 32x32 (an 8x8 heatmap grid at stride 4), tiny detectors. */
    static Distill4jConfig config(String... extra) {
        List<String> all = new ArrayList<>(List.of(
                "dataset.kind=coco",
                "dataset.root=\"" + sample.resolve("coco") + "\"",
                "dataset.splits=[train2017, val2017]",
                "shard.height=32",
                "shard.width=32",
                "cache.splits=[train2017]",
                "cache.outputs=[{name=heatmap, codec=fp16}]"));
        all.addAll(List.of(extra));
        return SparkTestSupport.config(work, sample, all.toArray(new String[0]));
    }

    static INDArray student(String run) throws Exception {
        return ModelSerializer.restoreComputationGraph(
                        work.resolve("runs/" + run + "/student.zip").toFile(), false)
                .params();
    }

    static List<JsonNode> epochs(String run) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(work.resolve("runs/" + run + "/metrics.jsonl"))) {
            JsonNode n = json.readTree(l);
            if (n.path("kind").asText().equals("epoch")) out.add(n);
        }
        return out;
    }

    @Test
    void cachedViewsOfADetectorReproduceItsHeatmapOnTheViewAndDistillTrainsOnThem() throws Exception {
        String k = "cache.views-per-sample=2";
        String root = "cache.output=\"" + tmp.resolve("views-cache") + "\"";
        CacheTeacherJob.Result r = new CacheTeacherJob(spark, config(AUGMENT, k, root), quiet).run();
        assertEquals(12L, r.rows().get("train2017"), "6 samples x 2 views x heatmap");
        Configuration conf = new Configuration();
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                work.resolve("teacher/teacher.zip").toFile(), false);
        Map<String, ShardRecord> shards = new HashMap<>();
        List<Path> files = ShardFiles.list(
                FileSystem.getLocal(conf), new Path(work.resolve("shards").toUri()), "train2017");
        for (Path f : files) for (ShardRecord s : ShardFiles.read(conf, f)) shards.put(s.sampleId(), s);
        Set<String> views = new HashSet<>();
        boolean sawFlip = false;
        for (Path f : files) {
            for (CacheRow row : CacheParquet.read(conf, new Path(new Path(r.dir(), "train2017"), f.getName()))) {
                View v = View.parse(row.view());
                sawFlip |= v.flip();
                views.add(row.sampleId() + " " + row.view());
                ShardRecord seen = ViewedSample.of(shards.get(row.sampleId()), v);
                float[] direct = teacher.feedForward(new INDArray[] {Examples.image(seen)}, false, false)
                        .get("heatmap")
                        .dup('c')
                        .data()
                        .asFloat();
                float[] cached = TensorCodecs.forSpec(row.tensor().codec()).decode(row.tensor());
                assertEquals(direct.length, cached.length);
                for (int i = 0; i < direct.length; i++) {
                    assertEquals(
                            direct[i],
                            cached[i],
                            Math.abs(direct[i]) * 1e-3 + 1e-4,
                            row.sampleId() + " view " + row.view() + " heatmap " + i);
                }
            }
        }
        assertEquals(12, views.size(), "two different views per sample");
        assertTrue(sawFlip, "hflip = 0.5 drew no flipped view in 12: " + views);

        DistillJob.Result exact = new DistillJob(
                        spark,
                        config("distill.run-id=det-exact", "train.epochs=2", AUGMENT, k, root, HEATMAP_KD),
                        false,
                        quiet)
                .run();
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
        new DistillJob(
                        spark,
                        config("distill.run-id=det-full", "train.epochs=3", AUGMENT, online, HEATMAP_KD),
                        false,
                        quiet)
                .run();
        new DistillJob(
                        spark,
                        config("distill.run-id=det-split", "train.epochs=1", AUGMENT, online, HEATMAP_KD),
                        false,
                        quiet)
                .run();
        // "Crash" after epoch 1: the checkpoint stays, the manifest goes; rerun with the full budget.
        FileSystem.getLocal(new Configuration())
                .delete(new Path(work.resolve("runs/det-split/_manifest.json").toUri()), false);
        new DistillJob(
                        spark,
                        config("distill.run-id=det-split", "train.epochs=3", AUGMENT, online, HEATMAP_KD),
                        false,
                        quiet)
                .run();
        double resumed = relativeDifference(student("det-full"), student("det-split"));
        assertTrue(
                resumed < 1e-4,
                "resumed vs uninterrupted augmented detector: relative parameter difference " + resumed);

        new DistillJob(spark, config("distill.run-id=det-plain", "train.epochs=3", online, HEATMAP_KD), false, quiet)
                .run();
        double augmented = relativeDifference(student("det-full"), student("det-plain"));
        assertTrue(
                augmented > 1e-3,
                "the same seed with and without augmentation trained the same detector: " + augmented);
    }

    @Test
    void transformedHeatmapsTrainADetectorButATransformedRegMapIsRefusedWithOneLine() throws Exception {
        String transform = "distill.teacher-views=transform";
        String root = "cache.output=\"" + tmp.resolve("full-cache") + "\"";
        new CacheTeacherJob(spark, config(root), quiet).run();
        DistillJob.Result r = new DistillJob(
                        spark,
                        config("distill.run-id=det-transform", "train.epochs=1", AUGMENT, transform, root, HEATMAP_KD),
                        false,
                        quiet)
                .run();
        assertEquals(6, r.examples());

        String regRoot = "cache.output=\"" + tmp.resolve("reg-cache") + "\"";
        String regOutputs = "cache.outputs=[{name=heatmap, codec=fp16}, {name=reg, codec=fp32}]";
        new CacheTeacherJob(spark, config(regRoot, regOutputs), quiet).run();
        StageOutputException e = assertThrows(StageOutputException.class, () -> new DistillJob(
                        spark,
                        config(
                                "distill.run-id=det-reg",
                                "train.epochs=1",
                                AUGMENT,
                                transform,
                                regRoot,
                                regOutputs,
                                "distill.terms=[{kind=crosskd, student-tap=head_feat, teacher-output=reg, weight=1, tau=1}]"),
                        false,
                        quiet)
                .run());
        assertTrue(
                e.getMessage().startsWith("distill.teacher-views = transform cannot resample the teacher's 'reg'"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(Files.exists(work.resolve("runs/det-reg/config.conf")), "nothing written for a refused run");
    }

    static double relativeDifference(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    }

    @Test
    void cachedViewsOfADetectorAtTheCropReproduceItsHeatmapThereAndDistillTrainsOnThem() throws Exception {
        // 16x16 crops of the 32x32 shards: the teacher runs at the crop size with teacher.zip's parameters.
        String crop = "train.augment={scale=[0.75, 1.25], crop=[16, 16], hflip=0.5}";
        String k = "cache.views-per-sample=2";
        String root = "cache.output=\"" + tmp.resolve("crop-views-cache") + "\"";
        Distill4jConfig c = config(crop, k, root);
        CacheTeacherJob.Result r = new CacheTeacherJob(spark, c, quiet).run();
        assertEquals(12L, r.rows().get("train2017"), "6 samples x 2 views x heatmap");
        TaskModels sized = TaskModels.of(
                        c, Shards.open(spark, work.resolve("shards").toUri().toString()), "test")
                .atInputSize(16, 16);
        ComputationGraph teacher = SizedGraphs.withParameters(
                sized.teacherObjective(sized.teacher()).configuration(),
                ModelSerializer.restoreComputationGraph(
                        work.resolve("teacher/teacher.zip").toFile(), false));
        Configuration conf = new Configuration();
        Map<String, ShardRecord> shards = new HashMap<>();
        List<Path> files = ShardFiles.list(
                FileSystem.getLocal(conf), new Path(work.resolve("shards").toUri()), "train2017");
        for (Path f : files) for (ShardRecord s : ShardFiles.read(conf, f)) shards.put(s.sampleId(), s);
        int checked = 0;
        for (Path f : files) {
            for (CacheRow row : CacheParquet.read(conf, new Path(new Path(r.dir(), "train2017"), f.getName()))) {
                View v = View.parse(row.view());
                assertEquals(List.of(16, 16), List.of(v.outHeight(), v.outWidth()), row.view());
                ShardRecord seen = ViewedSample.of(shards.get(row.sampleId()), v);
                float[] direct = teacher.feedForward(new INDArray[] {Examples.image(seen)}, false, false)
                        .get("heatmap")
                        .dup('c')
                        .data()
                        .asFloat();
                float[] cached = TensorCodecs.forSpec(row.tensor().codec()).decode(row.tensor());
                assertEquals(direct.length, cached.length, "the heatmap on the crop's grid");
                for (int i = 0; i < direct.length; i++) {
                    assertEquals(
                            direct[i],
                            cached[i],
                            Math.abs(direct[i]) * 1e-3 + 1e-4,
                            row.sampleId() + " view " + row.view() + " heatmap " + i);
                }
                checked++;
            }
        }
        assertEquals(12, checked);

        DistillJob.Result exact = new DistillJob(
                        spark,
                        config("distill.run-id=det-crop-exact", "train.epochs=1", crop, k, root, HEATMAP_KD),
                        false,
                        quiet)
                .run();
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
        DistillJob.Result r = new DistillJob(
                        spark,
                        config(
                                "distill.run-id=det-crop",
                                "train.epochs=1",
                                crop,
                                "distill.teacher-mode=online",
                                HEATMAP_KD),
                        false,
                        quiet)
                .run();
        assertEquals(6, r.examples());
        double kd =
                epochs("det-crop").get(0).path("terms").path("pixel-kd@heatmap").asDouble(Double.NaN);
        assertTrue(Double.isFinite(kd) && kd > 0, "pixel KD on cropped heatmaps: " + kd);
        ComputationGraph saved = ModelSerializer.restoreComputationGraph(
                work.resolve("runs/det-crop/student.zip").toFile(), false);
        assertEquals(
                new io.distill4j.onnx.export.SpatialSize(32, 32),
                io.distill4j.onnx.export.OnnxExporter.trainedSize(saved.getConfiguration()));
        EvaluateJob.Evaluated e = new EvaluateJob(spark, config("evaluate.split=val2017"), quiet)
                .evaluate("det-crop", new Path(work.resolve("runs/det-crop").toUri()));
        assertEquals("detection", e.task());
        assertTrue(e.stats() != null, "COCOeval ran on the shard-sized student");
    }
}
