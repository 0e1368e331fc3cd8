package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.onnx.OnnxForward;
import io.distill4j.onnx.OnnxModelException;
import io.distill4j.onnx.OnnxModelSettings;
import io.distill4j.onnx.OnnxModelSpec;
import io.distill4j.onnx.OnnxModels;
import io.distill4j.onnx.OnnxSessions;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.StageOutputException;
import io.distill4j.tensor.TensorCodecs;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * shard -> cache-teacher with a PyTorch teacher exported to ONNX -> distill (cached and online)
 * -> evaluate (the ONNX teacher's row and an ONNX student) under a real local[2] Spark, with no
 * DL4J teacher anywhere: the segmentation teacher is configured by teacher.onnx's keys (BGR,
 * 0-255, its own output names), the detection teacher carries distill4j's metadata and needs only
 * its path. The files come from src/test/python/export_onnx_teachers.py.
 */
@Tag("spark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnnxPipelineJobsTest {
    static final java.nio.file.Path ONNX =
            java.nio.file.Path.of("src/test/resources/onnx").toAbsolutePath();

    /** Cityscapes at the segmentation teacher's 32x64 (8 train, 4 val), COCO at the detector's 96x96. */
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample().sharded();

    @BeforeAll
    static void cocoShards() throws Exception {
        new ShardJob(job.spark(), det().dataset(), det().shard()).run();
    }

    static List<String> segOverrides(String... extra) {
        List<String> all = new ArrayList<>(List.of(
                "teacher.onnx.path=\"" + ONNX.resolve("seg_teacher.onnx") + "\"",
                "teacher.onnx.preprocessing=\"bgr;nchw;scale=1;mean=103.53,116.28,123.675;std=57.375,57.12,58.395\"",
                "teacher.onnx.outputs=[{onnx=seg_out, name=logits, stride=4}, {onnx=feat, name=neck, stride=4}]",
                "cache.outputs=[{name=logits, codec=fp32}, {name=neck, codec=int8}]"));
        all.addAll(List.of(extra));
        return all;
    }

    static Distill4jConfig seg(String... extra) {
        return job.config(segOverrides(extra).toArray(String[]::new));
    }

    /** COCO shards at 96x96 under their own directories; the detector needs nothing but its path. */
    static Distill4jConfig det(String... extra) {
        List<String> all = new ArrayList<>(List.of(
                "dataset.kind=coco",
                "dataset.root=\"" + job.sample().resolve("coco") + "\"",
                "dataset.splits=[train2017, val2017]",
                "shard.height=96",
                "shard.width=96",
                "shard.output=\"" + job.work().resolve("shards-coco") + "\"",
                "teacher.dir=\"" + job.work().resolve("teacher-coco") + "\"",
                "distill.runs-dir=\"" + job.work().resolve("runs-coco") + "\"",
                "teacher.onnx.path=\"" + ONNX.resolve("det_teacher.onnx") + "\"",
                "cache.splits=[train2017]",
                "cache.outputs=[{name=heatmap, codec=fp32}, {name=reg, codec=fp16}]",
                "evaluate.split=val2017"));
        all.addAll(List.of(extra));
        return job.config(all.toArray(String[]::new));
    }

    static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    static Map<String, float[]> cachedRows(String dir, String split, Path shardFile, String sampleId) {
        Map<String, float[]> cached = new HashMap<>();
        for (CacheRow row :
                CacheParquet.read(new Configuration(), new Path(new Path(dir, split), shardFile.getName()))) {
            if (row.sampleId().equals(sampleId))
                cached.put(
                        row.output(), TensorCodecs.forSpec(row.tensor().codec()).decode(row.tensor()));
        }
        return cached;
    }

    @Test
    @Order(1)
    void aFileThatDoesNotFitIsRefusedAtStartUpNamingTheKey() throws Exception {
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> new CacheTeacherJob(
                        job.spark(), seg("teacher.onnx.outputs=[{onnx=seg_out, name=logits, stride=8}]"), QUIET)
                .run());
        assertTrue(
                e.getMessage().startsWith("distill4j.teacher.onnx.outputs: 'seg_out' of ")
                        && e.getMessage().contains("not stride 8"),
                e.getMessage());
        StageOutputException s = assertThrows(
                StageOutputException.class,
                () -> new CacheTeacherJob(job.spark(), seg("cache.outputs=[{name=stage2, codec=fp16}]"), QUIET).run());
        assertTrue(
                s.getMessage().startsWith("cache.outputs: the ONNX teacher ")
                        && s.getMessage().contains("'stage2'")
                        && s.getMessage().contains("[logits, neck]"),
                s.getMessage());
        assertFalse(Files.exists(job.work().resolve("teacher-cache")), "nothing is written before the checks pass");
    }

    @Test
    @Order(2)
    void onnxTeachersOutputsAreCachedOnTheExecutors() throws Exception {
        Distill4jConfig c = seg();
        CacheTeacherJob.Result r = new CacheTeacherJob(job.spark(), c, QUIET).run();
        assertEquals(16L, r.rows().get("train"), "8 samples x 2 outputs");
        assertFalse(Files.exists(job.work().resolve("teacher")), "no DL4J teacher was needed");
        ObjectNode m = Manifest.read(fs(), new Path(r.dir()));
        assertEquals("onnx-runtime", m.path("engine").asText());
        assertEquals(
                ONNX.resolve("seg_teacher.onnx").toString(), m.path("teacher").asText());
        assertEquals("seg_out", m.path("outputs").get(0).path("vertex").asText());
        assertEquals("logits", m.path("outputs").get(0).path("name").asText());

        // Every cached sample equals one ONNX Runtime forward pass on the driver (fp32 exactly, int8 within a step).
        byte[] bytes = Files.readAllBytes(ONNX.resolve("seg_teacher.onnx"));
        OnnxModelSpec spec = OnnxModels.resolve(
                bytes, c.teacher().onnx(), "k", new OnnxModels.Expectation("segmentation", 32, 64, 19));
        for (Path f :
                ShardFiles.list(fs(), new Path(job.work().resolve("shards").toUri()), "train")) {
            List<ShardRecord> samples = ShardFiles.read(new Configuration(), f);
            Map<String, INDArray> direct;
            try (var session = OnnxSessions.open(bytes, 1, "test")) {
                direct = new OnnxForward(session, spec).apply(samples);
            }
            for (int i = 0; i < samples.size(); i++) {
                Map<String, float[]> cached =
                        cachedRows(r.dir(), "train", f, samples.get(i).sampleId());
                float[] logits = direct.get("logits").slice(i).dup('c').data().asFloat();
                float[] neck = direct.get("neck").slice(i).dup('c').data().asFloat();
                org.junit.jupiter.api.Assertions.assertArrayEquals(logits, cached.get("logits"), 1e-6f);
                float max = 0;
                for (float v : neck) max = Math.max(max, Math.abs(v));
                org.junit.jupiter.api.Assertions.assertArrayEquals(neck, cached.get("neck"), max / 127 / 2 + 1e-5f);
            }
        }
        // A rerun finds the complete cache; another output map is another teacher.
        assertEquals(0, new CacheTeacherJob(job.spark(), c, QUIET).run().filesWritten());
        String other = new CacheTeacherJob(
                        job.spark(),
                        seg(
                                "teacher.onnx.outputs=[{onnx=seg_out, name=logits, stride=4}]",
                                "cache.outputs=[{name=logits, codec=fp16}]"),
                        QUIET)
                .run()
                .fingerprint();
        assertFalse(other.equals(r.fingerprint()), "the output map is part of the fingerprint");
    }

    @Test
    @Order(3)
    void distillReadsTheOnnxTeachersCache() throws Exception {
        Distill4jConfig c = seg(
                "distill.run-id=kd-onnx",
                "train.epochs=1",
                "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2},"
                        + "{kind=cwd, student-tap=neck, teacher-output=neck, weight=1, tau=2}]");
        DistillJob.Result r = new DistillJob(job.spark(), c, false, QUIET).run();
        assertEquals(8, r.examples());
        ObjectNode m = Manifest.read(fs(), new Path(r.runDir()));
        assertEquals("onnx-runtime", m.path("teacher_engine").asText());
        assertEquals("cached", m.path("teacher_mode").asText());
        List<String> lines = Files.readAllLines(job.work().resolve("runs/kd-onnx/metrics.jsonl")).stream()
                .filter(l -> !l.contains("\"kind\":\"iteration\""))
                .toList();
        JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1)).path("terms");
        assertTrue(
                Double.isFinite(last.path("pixel-kd@logits").asDouble())
                        && Double.isFinite(last.path("cwd@neck").asDouble()),
                last.toString());
    }

    @Test
    @Order(4)
    void theOnlineTeacherRunsTheOnnxFileInTheDataPipeline() throws Exception {
        DistillJob.Result r = new DistillJob(
                        job.spark(),
                        seg(
                                "distill.run-id=online-onnx",
                                "train.epochs=1",
                                "distill.teacher-mode=online",
                                "distill.terms=[{kind=cwd, student-tap=neck, teacher-output=neck, weight=1, tau=2}]"),
                        false,
                        QUIET)
                .run();
        assertEquals(8, r.examples());
        ObjectNode m = Manifest.read(fs(), new Path(r.runDir()));
        assertEquals("online", m.path("teacher_mode").asText());
        assertEquals("onnx-runtime", m.path("teacher_engine").asText());
    }

    @Test
    @Order(4)
    void anOnlineOnnxTeacherOnCropsSmallerThanTheShardsIsRefusedNamingTheKeys() {
        // The ONNX file was checked at the shard size (32x64); it cannot be rebuilt at the crop like a DL4J graph.
        StageOutputException e = assertThrows(StageOutputException.class, () -> new DistillJob(
                        job.spark(),
                        seg(
                                "distill.run-id=online-onnx-crop",
                                "train.epochs=1",
                                "distill.teacher-mode=online",
                                "train.augment={scale=[1, 1], crop=[16, 32], hflip=0}",
                                "distill.terms=[{kind=cwd, student-tap=neck, teacher-output=neck, weight=1, tau=2}]"),
                        false,
                        QUIET)
                .run());
        assertTrue(e.getMessage().startsWith("train.augment.crop = [16, 32]"), e.getMessage());
        assertTrue(e.getMessage().contains("the online ONNX teacher (teacher.onnx.path)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertFalse(Files.exists(job.work().resolve("runs/online-onnx-crop")), "nothing written for a refused run");
    }

    @Test
    @Order(5)
    void crossKdIsRefusedForAnOnnxTeacher() {
        StageOutputException e = assertThrows(StageOutputException.class, () -> new DistillJob(
                        job.spark(),
                        seg(
                                "distill.run-id=x",
                                "distill.terms=[{kind=crosskd, student-tap=neck, teacher-output=logits, weight=1, tau=1}]"),
                        false,
                        QUIET)
                .run());
        assertTrue(e.getMessage().startsWith("distill.terms: crosskd grafts the teacher's layers"), e.getMessage());
        assertFalse(Files.exists(job.work().resolve("runs/x")));
    }

    @Test
    @Order(6)
    void evaluateScoresTheOnnxTeacherAndAnOnnxStudent() throws Exception {
        EvaluateJob evaluate = new EvaluateJob(job.spark(), seg(), QUIET);
        EvaluateJob.Evaluated teacher = evaluate.evaluateTeacher();
        JsonNode metrics = new ObjectMapper()
                .readTree(job.work().resolve("teacher/report/metrics.json").toFile());
        assertEquals("segmentation", metrics.path("task").asText());
        assertEquals(teacher.metrics().meanIou(), metrics.path("miou").asDouble(), 1e-9);
        // A student in distill4j's ONNX convention needs only its path (what evaluate --model does).
        java.nio.file.Path report = job.work().resolve("student-onnx-report");
        EvaluateJob.Evaluated student = evaluate.evaluateOnnx(
                "seg_student",
                OnnxModelSettings.fromFile(ONNX.resolve("seg_student.onnx").toString()),
                "evaluate --model",
                new Path(report.toUri()),
                null,
                teacher);
        assertTrue(Files.isRegularFile(report.resolve("metrics.json")));
        assertTrue(student.metrics().pixelAccuracy() >= 0 && student.metrics().pixelAccuracy() <= 1);
        // The comparison table takes the ONNX teacher's row, which has no stage output of its own.
        String table = PipelineReport.write(
                job.spark(),
                seg(),
                List.of(
                        teacher,
                        evaluate.evaluate(
                                "kd-onnx",
                                new Path(job.work().resolve("runs/kd-onnx").toUri()),
                                teacher)));
        assertTrue(table.lines().anyMatch(l -> l.startsWith("| teacher | 1 |") && l.endsWith("| (teacher) |")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("| kd-onnx | 1 |")), table);
    }

    @Test
    @Order(7)
    void cocoChainRunsWithADetectionTeacherThatCarriesItsOwnMetadata() throws Exception {
        CacheTeacherJob.Result r = new CacheTeacherJob(job.spark(), det(), QUIET).run();
        assertEquals(12L, r.rows().get("train2017"), "6 images x 2 outputs");
        assertEquals(
                "detection", Manifest.read(fs(), new Path(r.dir())).path("task").asText());
        DistillJob.Result d = new DistillJob(
                        job.spark(),
                        det(
                                "distill.run-id=det-onnx",
                                "train.epochs=1",
                                "distill.terms=[{kind=pixel-kd, student-tap=heatmap, teacher-output=heatmap, weight=1, tau=1}]"),
                        false,
                        QUIET)
                .run();
        assertEquals(6, d.examples());
        EvaluateJob.Evaluated t = new EvaluateJob(job.spark(), det(), QUIET).evaluateTeacher();
        assertEquals("detection", t.task());
        assertEquals(12, t.json().path("stats").size());
        // The segmentation student file is refused on COCO shards, naming the file's own task.
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> new EvaluateJob(job.spark(), det(), QUIET)
                .evaluateOnnx(
                        "s",
                        OnnxModelSettings.fromFile(
                                ONNX.resolve("seg_student.onnx").toString()),
                        "evaluate --model",
                        new Path(job.work().resolve("x").toUri()),
                        null,
                        null));
        assertTrue(
                e.getMessage().startsWith("evaluate --model.path: ")
                        && e.getMessage().contains("segmentation model"),
                e.getMessage());
    }
}
