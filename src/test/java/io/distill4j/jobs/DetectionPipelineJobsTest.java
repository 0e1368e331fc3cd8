package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.StageOutputException;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.DetectionObjective;
import io.distill4j.train.Examples;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * shard -> train-teacher -> cache-teacher -> distill on the generated COCO sample under a real
 * local[2] Spark: the same jobs as segmentation, dispatched on the shards' dataset.
 */
@Tag("spark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DetectionPipelineJobsTest {
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.cocoSample()
            .with("cache.outputs=[{name=heatmap, codec=fp16}, {name=head_feat, codec=int8}]")
            .sharded();

    static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    @Test
    @Order(1)
    void teacherTrainsOnCocoShardsAndItsManifestSaysDetection() throws Exception {
        TrainTeacherJob.Result r = new TrainTeacherJob(job.spark(), job.config("teacher.epochs=1"), QUIET).run();
        ObjectNode m =
                Manifest.read(fs(), new Path(job.work().resolve("teacher").toUri()));
        assertEquals(r.fingerprint(), m.path("fingerprint").asText());
        assertEquals("detection", m.path("task").asText());
        assertEquals("coco", m.path("dataset").asText());
        assertEquals(4, m.path("output_stride").asInt());
        assertEquals("heatmap", m.path("heatmap_vertex").asText());
        int classes = m.path("num_classes").asInt();
        assertEquals(classes, m.path("categories").size());
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                job.work().resolve("teacher/teacher.zip").toFile(), false);
        assertEquals(
                List.of(
                        DetectionObjective.HEATMAP_OUTPUT,
                        DetectionObjective.SIZE_OUTPUT,
                        DetectionObjective.OFFSET_OUTPUT),
                teacher.getConfiguration().getNetworkOutputs());
        assertEquals(
                1,
                epochLines(Files.readAllLines(job.work().resolve("teacher/metrics.jsonl")))
                        .size());
    }

    @Test
    @Order(2)
    void cachedHeatmapAndFeaturesEqualTheTeachersDirectOutputWithinCodecError() throws Exception {
        CacheTeacherJob.Result r = new CacheTeacherJob(job.spark(), job.config(), QUIET).run();
        assertEquals(12L, r.rows().get("train2017"), "6 samples x 2 outputs");
        assertEquals(
                "detection", Manifest.read(fs(), new Path(r.dir())).path("task").asText());
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                job.work().resolve("teacher/teacher.zip").toFile(), false);
        Configuration conf = new Configuration();
        List<Path> shardFiles =
                ShardFiles.list(fs(), new Path(job.work().resolve("shards").toUri()), "train2017");
        ShardRecord s = ShardFiles.read(conf, shardFiles.get(0)).get(0);
        Map<String, INDArray> acts = teacher.feedForward(new INDArray[] {Examples.image(s)}, false, false);
        float[] heatmap = acts.get("heatmap").dup('c').data().asFloat();
        float[] feat = acts.get("head_feat").dup('c').data().asFloat();
        Map<String, float[]> cached = new HashMap<>();
        for (CacheRow row : CacheParquet.read(
                conf, new Path(new Path(r.dir(), "train2017"), shardFiles.get(0).getName()))) {
            if (row.sampleId().equals(s.sampleId()))
                cached.put(
                        row.output(), TensorCodecs.forSpec(row.tensor().codec()).decode(row.tensor()));
        }
        assertEquals(Set.of("heatmap", "head_feat"), cached.keySet());
        assertEquals(heatmap.length, cached.get("heatmap").length);
        for (int i = 0; i < heatmap.length; i++) {
            assertEquals(heatmap[i], cached.get("heatmap")[i], Math.abs(heatmap[i]) * 1e-3 + 1e-4, "fp16 heatmap " + i);
        }
        float max = 0;
        for (float v : feat) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < feat.length; i++) {
            assertEquals(feat[i], cached.get("head_feat")[i], max / 127 / 2 + 1e-5, "int8 head_feat " + i);
        }
    }

    @Test
    @Order(3)
    void distillingTheHeatmapLowersTheLossesAndExportsADetector() throws Exception {
        Distill4jConfig c = job.config(
                "distill.run-id=det-kd",
                "train.epochs=3",
                "distill.terms=[{kind=pixel-kd, student-tap=heatmap, teacher-output=heatmap, weight=1, tau=1},"
                        + "{kind=cwd, student-tap=head_feat, teacher-output=head_feat, weight=1, tau=1}]");
        DistillJob.Result r = new DistillJob(job.spark(), c, false, QUIET).run();
        assertEquals(6, r.examples());
        List<String> lines = epochLines(Files.readAllLines(job.work().resolve("runs/det-kd/metrics.jsonl")));
        assertEquals(3, lines.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        JsonNode last = json.readTree(lines.get(2));
        for (String term : List.of(DetectionObjective.HEATMAP_OUTPUT, "pixel-kd@heatmap")) {
            assertTrue(
                    last.path("terms").path(term).asDouble()
                            < first.path("terms").path(term).asDouble(),
                    term + ": " + first.path("terms") + " -> " + last.path("terms"));
        }
        ObjectNode m =
                Manifest.read(fs(), new Path(job.work().resolve("runs/det-kd").toUri()));
        assertEquals("detection", m.path("task").asText());
        assertEquals("coco", m.path("dataset").asText());
        assertEquals("pixel-kd@heatmap", m.path("terms").get(0).path("output").asText());
        ComputationGraph student = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/det-kd/student.zip").toFile(), false);
        assertEquals(
                List.of(
                        DetectionObjective.HEATMAP_OUTPUT,
                        DetectionObjective.SIZE_OUTPUT,
                        DetectionObjective.OFFSET_OUTPUT),
                student.getConfiguration().getNetworkOutputs(),
                "no distillation outputs exported");
        INDArray heat = student.feedForward(
                        org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 32, 32),
                        false)
                .get("heatmap");
        assertEquals(
                List.of(1L, (long) m.path("num_classes").asInt(), 8L, 8L),
                java.util.Arrays.stream(heat.shape()).boxed().toList());
    }

    @Test
    @Order(4)
    void aSegmentationTeacherIsRefusedOnCocoShards() throws Exception {
        Path teacherDir = new Path(job.work().resolve("teacher").toUri());
        ObjectNode m = Manifest.read(fs(), teacherDir);
        m.put("task", "segmentation");
        Manifest.write(fs(), teacherDir, m);
        StageOutputException e =
                assertThrows(StageOutputException.class, () -> job.distill("distill.run-id=wrong-teacher"));
        assertTrue(e.getMessage().contains("teacher.dir") && e.getMessage().contains("segmentation"), e.getMessage());
    }

    private static List<String> epochLines(List<String> lines) {
        return lines.stream().filter(l -> l.contains("\"kind\":\"epoch\"")).toList();
    }
}
