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
import io.distill4j.storage.Manifest;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.StageOutputException;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.Examples;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * train-teacher -> cache-teacher -> distill -> evaluate on the generated sample under a real
 * local[2] Spark. The tests run in order and share the stage outputs, as a user's pipeline does.
 */
@Tag("spark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineJobsTest {
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample()
            .with("cache.outputs=[{name=logits, codec=fp16}, {name=neck, codec=int8}]")
            .sharded();

    static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    static Path cacheDir() throws Exception {
        java.nio.file.Path root = job.work().resolve("teacher-cache");
        try (var s = Files.list(root)) {
            return new Path(s.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .findFirst()
                    .orElseThrow()
                    .toUri());
        }
    }

    @Test
    @Order(1)
    void teacherTrainsAndRecordsItsFingerprint() throws Exception {
        TrainTeacherJob.Result r = new TrainTeacherJob(job.spark(), job.config(), QUIET).run();
        ObjectNode m =
                Manifest.read(fs(), new Path(job.work().resolve("teacher").toUri()));
        assertEquals(r.fingerprint(), m.path("fingerprint").asText());
        assertEquals(16, r.fingerprint().length());
        assertTrue(Files.isRegularFile(job.work().resolve("teacher/teacher.zip")));
        List<String> lines = Files.readAllLines(job.work().resolve("teacher/metrics.jsonl"));
        assertEquals(2, epochLines(lines).size(), "one summary line per epoch");
        // 8 samples, 2 workers x batch 4, averaging every minibatch: one minibatch per worker per epoch
        assertEquals(
                4,
                lines.stream().filter(l -> l.contains("\"kind\":\"iteration\"")).count(),
                "per-iteration lines");
    }

    @Test
    @Order(2)
    void cachedRowsEqualDirectTeacherOutputWithinCodecError() throws Exception {
        CacheTeacherJob.Result r = new CacheTeacherJob(job.spark(), job.config(), QUIET).run();
        assertEquals(16L, r.rows().get("train"), "8 samples x 2 outputs");
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                job.work().resolve("teacher/teacher.zip").toFile(), false);
        Configuration conf = new Configuration();
        List<Path> shardFiles =
                ShardFiles.list(fs(), new Path(job.work().resolve("shards").toUri()), "train");
        ShardRecord s = ShardFiles.read(conf, shardFiles.get(0)).get(0);
        Map<String, INDArray> acts = teacher.feedForward(new INDArray[] {Examples.image(s)}, false, false);
        float[] logits = acts.get("logits").dup('c').data().asFloat();
        float[] neck = acts.get("neck").dup('c').data().asFloat();
        Map<String, float[]> cached = new HashMap<>();
        for (CacheRow row : CacheParquet.read(
                conf, new Path(new Path(r.dir(), "train"), shardFiles.get(0).getName()))) {
            if (row.sampleId().equals(s.sampleId()))
                cached.put(
                        row.output(), TensorCodecs.forSpec(row.tensor().codec()).decode(row.tensor()));
        }
        assertEquals(Set.of("logits", "neck"), cached.keySet());
        for (int i = 0; i < logits.length; i++) {
            assertEquals(logits[i], cached.get("logits")[i], Math.abs(logits[i]) * 1e-3 + 1e-4, "fp16 logit " + i);
        }
        float max = 0;
        for (float v : neck) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < neck.length; i++) {
            // per-channel scale <= global max / 127; rounding error is at most half a step
            assertEquals(neck[i], cached.get("neck")[i], max / 127 / 2 + 1e-5, "int8 neck " + i);
        }
    }

    @Test
    @Order(3)
    void cacheIsPlainParquetWithOneRowPerSampleAndOutput() throws Exception {
        List<Row> rows = job.spark().read().parquet(cacheDir() + "/train").collectAsList();
        assertEquals(16, rows.size());
        Set<String> keys = new HashSet<>();
        for (Row r : rows)
            assertTrue(keys.add(r.getString(r.fieldIndex("sample_id")) + "/" + r.getString(r.fieldIndex("output"))));
        Row r = rows.get(0);
        List<Integer> shape = r.getList(r.fieldIndex("shape"));
        assertEquals(3, shape.size());
        assertTrue(r.getString(r.fieldIndex("view")).startsWith("crop=0,0,32,64"));
    }

    @Test
    @Order(4)
    void interruptedCacheRunResumesAndCachesEverySampleExactlyOnce() throws Exception {
        Path dir = cacheDir();
        List<Path> shardFiles =
                ShardFiles.list(fs(), new Path(job.work().resolve("shards").toUri()), "train");
        // Simulate a crash after the first shard file: its output exists, the rest and the manifest do not.
        fs().delete(new Path(dir, Manifest.FILE_NAME), false);
        fs().delete(new Path(new Path(dir, "train"), shardFiles.get(1).getName()), false);
        // The rerun's task for the missing file fails once on purpose; the job fails and commits nothing.
        System.setProperty("distill4j-fault.cache-teacher", shardFiles.get(1).getName());
        try {
            assertThrows(Exception.class, () -> new CacheTeacherJob(job.spark(), job.config(), QUIET).run());
            assertFalse(Manifest.exists(fs(), dir));
            CacheTeacherJob.Result r = new CacheTeacherJob(job.spark(), job.config(), QUIET).run();
            assertEquals(1, r.filesWritten());
            assertEquals(1, r.filesSkipped());
            assertEquals(16L, r.rows().get("train"));
        } finally {
            System.clearProperty("distill4j-fault.cache-teacher");
        }
        List<Row> rows = job.spark().read().parquet(dir + "/train").collectAsList();
        Set<String> keys = new HashSet<>();
        for (Row r : rows) assertTrue(keys.add(r.getString(0) + "/" + r.getString(1)), "duplicate " + r.getString(0));
        assertEquals(16, keys.size());
    }

    @Test
    @Order(5)
    void distillationLowersItsLossesAndExportsALoadableStudent() throws Exception {
        Distill4jConfig c = job.config(
                "distill.run-id=kd",
                "train.epochs=4",
                "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2},"
                        + "{kind=cwd, student-tap=neck, teacher-output=neck, weight=1, tau=2}]");
        DistillJob.Result r = new DistillJob(job.spark(), c, false, QUIET).run();
        List<String> lines = epochLines(Files.readAllLines(job.work().resolve("runs/kd/metrics.jsonl")));
        assertEquals(4, lines.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0)).path("terms");
        JsonNode last = json.readTree(lines.get(3)).path("terms");
        for (String term : List.of("task", "pixel-kd@logits", "cwd@neck")) {
            assertTrue(last.path(term).asDouble() < first.path(term).asDouble(), term + ": " + first + " -> " + last);
        }
        ComputationGraph student = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/kd/student.zip").toFile(), false);
        assertEquals(
                List.of("task"), student.getConfiguration().getNetworkOutputs(), "no distillation outputs exported");
        assertTrue(
                student.getConfiguration().getVertices().keySet().stream().noneMatch(v -> v.startsWith("adapter_")),
                "no adapters exported");
        INDArray out = student.feedForward(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 32, 64), false)
                .get("logits");
        assertEquals(
                List.of(2L, 19L, 8L, 16L),
                java.util.Arrays.stream(out.shape()).boxed().toList());
        assertEquals(8, r.examples());
    }

    @Test
    @Order(6)
    void resumedRunEqualsUninterruptedRun() throws Exception {
        String terms = "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2}]";
        job.distill("distill.run-id=full", "train.epochs=3", terms);
        job.distill("distill.run-id=split", "train.epochs=1", terms);
        // "Crash" after epoch 1: the run has its checkpoint but no manifest; rerun with the full budget.
        DistillRuns.dropManifest(job.work(), "split");
        job.distill("distill.run-id=split", "train.epochs=3", terms);
        double diff = DistillRuns.relativeDifference(job.work(), "full", "split");
        assertTrue(diff < 1e-4, "relative parameter difference " + diff);
        assertEquals(
                3,
                epochLines(Files.readAllLines(job.work().resolve("runs/split/metrics.jsonl")))
                        .size());
    }

    @Test
    @Order(7)
    void missingOrMismatchedCacheIsRefusedWithTheReason() throws Exception {
        String terms = "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2}]";
        StageOutputException missing = assertThrows(
                StageOutputException.class,
                () -> job.distill(
                        "distill.run-id=m1",
                        terms,
                        "cache.output=\"" + job.dir().resolve("empty-cache") + "\""));
        assertTrue(missing.getMessage().contains("no teacher cache for teacher"), missing.getMessage());

        ObjectNode m = Manifest.read(fs(), cacheDir());
        ObjectNode original = m.deepCopy();
        m.put("preprocessing", "resize=16x32;normalize=none");
        Manifest.write(fs(), cacheDir(), m);
        try {
            StageOutputException e =
                    assertThrows(StageOutputException.class, () -> job.distill("distill.run-id=m2", terms));
            assertTrue(e.getMessage().contains("field 'preprocessing'"), e.getMessage());
        } finally {
            Manifest.write(fs(), cacheDir(), original);
        }

        // Samples the cache lacks: refused by default, skipped and counted on request.
        Path victim = new Path(
                new Path(cacheDir(), "train"),
                ShardFiles.list(fs(), new Path(job.work().resolve("shards").toUri()), "train")
                        .get(0)
                        .getName());
        java.nio.file.Path saved = job.dir().resolve("saved.parquet");
        Files.copy(java.nio.file.Path.of(victim.toUri()), saved);
        fs().delete(victim, false);
        try {
            StageOutputException e =
                    assertThrows(StageOutputException.class, () -> job.distill("distill.run-id=m3", terms));
            assertTrue(e.getMessage().contains("have no cached teacher output"), e.getMessage());
            DistillJob.Result r =
                    job.distill("distill.run-id=m4", terms, "train.epochs=1", "distill.on-missing-teacher=skip");
            assertEquals(4, r.missingTeacher());
            assertEquals(4, r.examples());
        } finally {
            Files.copy(saved, java.nio.file.Path.of(victim.toUri()));
        }
    }

    @Test
    @Order(8)
    void evaluateWritesTheMetricsContract() throws Exception {
        EvaluateJob.Evaluated e = new EvaluateJob(job.spark(), job.config(), QUIET)
                .evaluate("kd", new Path(job.work().resolve("runs/kd").toUri()));
        JsonNode m = new ObjectMapper()
                .readTree(job.work().resolve("runs/kd/report/metrics.json").toFile());
        assertEquals("segmentation", m.path("task").asText());
        assertEquals("kd", m.path("model").asText());
        assertEquals("val", m.path("split").asText());
        assertTrue(m.has("miou") && m.has("pixel_accuracy") && m.path("iou").has("road"), m.toString());
        assertEquals(4L * 32 * 64 - countIgnored(), e.metrics().totalPixels());
    }

    @Test
    @Order(9)
    void crossKdTrainsTheStudentThroughTheTeachersFrozenHead() throws Exception {
        Distill4jConfig c = job.config(
                "distill.run-id=crosskd",
                "train.epochs=3",
                "distill.terms=[{kind=crosskd, student-tap=neck, teacher-output=logits, weight=1, tau=2}]");
        new DistillJob(job.spark(), c, false, QUIET).run();
        ComputationGraph last = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/crosskd/checkpoints/epoch-0003.zip").toFile(), false);
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(
                job.work().resolve("teacher/teacher.zip").toFile(), false);
        INDArray frozen = last.getLayer("crosskd_neck_logits").params();
        assertEquals(teacher.getLayer("logits").params(), frozen, "the grafted teacher head stays frozen");
        List<String> lines = epochLines(Files.readAllLines(job.work().resolve("runs/crosskd/metrics.jsonl")));
        ObjectMapper json = new ObjectMapper();
        double first =
                json.readTree(lines.get(0)).path("terms").path("crosskd@neck").asDouble();
        double end =
                json.readTree(lines.get(2)).path("terms").path("crosskd@neck").asDouble();
        assertTrue(end < first, "CrossKD loss " + first + " -> " + end);
        ComputationGraph student = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/crosskd/student.zip").toFile(), false);
        assertTrue(
                student.getConfiguration().getVertices().keySet().stream().noneMatch(v -> v.startsWith("crosskd_")),
                "no teacher layers in the exported student");
    }

    @Test
    @Order(10)
    void mutualLearningTrainsTwoStudentsAndExportsEach() throws Exception {
        Distill4jConfig c = job.config(
                "distill.run-id=mutual",
                "train.epochs=3",
                "distill.terms=[{kind=mutual, student-tap=logits, teacher-output=none, weight=1, tau=1}]");
        DistillJob.Result r = new DistillJob(job.spark(), c, false, QUIET).run();
        List<String> lines = epochLines(Files.readAllLines(job.work().resolve("runs/mutual/metrics.jsonl")));
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0)).path("terms");
        JsonNode last = json.readTree(lines.get(2)).path("terms");
        for (String term : List.of("task", "peer_task")) {
            assertTrue(last.path(term).asDouble() < first.path(term).asDouble(), term + ": " + first + " -> " + last);
        }
        assertTrue(last.has("mutual@logits"), last.toString());
        ComputationGraph a = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/mutual/student.zip").toFile(), false);
        ComputationGraph b = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/mutual/peer.zip").toFile(), false);
        assertEquals(a.numParams(), b.numParams());
        assertFalse(a.params().equals(b.params()), "two different students");
        assertTrue(a.getConfiguration().getVertices().keySet().stream().noneMatch(v -> v.startsWith("peer_")));
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 32, 64);
        assertEquals(
                a.feedForward(x, false).get("logits").shapeInfoToString(),
                b.feedForward(x, false).get("logits").shapeInfoToString());
        assertEquals(0, r.missingTeacher());
    }

    @Test
    @Order(11)
    void mutualContrastiveLearningTrainsTwoStudentsAndExportsEachWithoutItsHeads() throws Exception {
        Distill4jConfig c = job.config(
                "distill.run-id=mcl",
                "train.epochs=2",
                "distill.terms=[{kind=l-mcl, student-tap=\"neck,logits\", teacher-output=logits, weight=1, tau=0.2}]");
        DistillJob.Result r = new DistillJob(job.spark(), c, false, QUIET).run();
        List<String> lines = epochLines(Files.readAllLines(job.work().resolve("runs/mcl/metrics.jsonl")));
        JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1)).path("terms");
        for (String term : List.of("task", "peer_task", "l-mcl@neck~logits", "l-mcl@logits~logits")) {
            assertTrue(Double.isFinite(last.path(term).asDouble(Double.NaN)), term + " in " + last);
        }
        ComputationGraph a = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/mcl/student.zip").toFile(), false);
        ComputationGraph b = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/mcl/peer.zip").toFile(), false);
        assertEquals(a.numParams(), b.numParams());
        assertFalse(a.params().equals(b.params()), "two different students");
        for (ComputationGraph g : List.of(a, b)) {
            assertTrue(
                    g.getConfiguration().getVertices().keySet().stream()
                            .noneMatch(v -> v.startsWith("peer_") || v.startsWith("mcl_")),
                    g.getConfiguration().getVertices().keySet().toString());
        }
        JsonNode manifest = new ObjectMapper()
                .readTree(job.work().resolve("runs/mcl/_manifest.json").toFile());
        assertEquals("none", manifest.path("teacher_mode").asText());
        assertEquals(2, manifest.path("terms").size(), "one term per tap pair");
        assertEquals(0, r.missingTeacher());
    }

    @Test
    @Order(12)
    void notebookRunsHeadlessOnTheOutputs() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                        .anyMatch(d -> new java.io.File(d, "jupyter").canExecute()),
                "Jupyter is not installed (apt-get install jupyter-nbconvert python3-pandas python3-matplotlib python3-ipykernel)");
        java.nio.file.Path out = job.dir().resolve("overview.ipynb");
        ProcessBuilder pb = new ProcessBuilder(
                        "jupyter",
                        "nbconvert",
                        "--to",
                        "notebook",
                        "--execute",
                        "notebooks/run_overview.ipynb",
                        "--output",
                        out.toString())
                .redirectErrorStream(true);
        pb.environment().put("DISTILL4J_WORK", job.work().toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        JsonNode nb = new ObjectMapper().readTree(out.toFile());
        int images = 0;
        for (JsonNode cell : nb.path("cells")) {
            for (JsonNode o : cell.path("outputs")) {
                assertFalse(o.path("output_type").asText().equals("error"), o.toString());
                if (o.path("data").has("image/png")) images++;
            }
        }
        assertTrue(images >= 1, "the notebook draws the training curves");
    }

    @Test
    @Order(13)
    void comparisonTableShowsTimeAndCacheBytesEachMethodCosts() throws Exception {
        Distill4jConfig c = job.config();
        EvaluateJob evaluate = new EvaluateJob(job.spark(), c, QUIET);
        EvaluateJob.Evaluated teacher = evaluate.evaluate(
                "teacher", new Path(job.work().resolve("teacher").toUri()));
        // The mutual run stands in for the baseline row here: like a baseline it reads no teacher.
        List<EvaluateJob.Evaluated> rows = List.of(
                teacher,
                evaluate.evaluate(
                        "baseline", new Path(job.work().resolve("runs/mutual").toUri()), teacher),
                evaluate.evaluate("kd", new Path(job.work().resolve("runs/kd").toUri()), teacher));
        String table = PipelineReport.write(job.spark(), c, rows);
        // The kd run reads every cached output (fp16 logits, int8 neck), so its cache bytes are the
        // train split's Parquet files on disk per sample, not the codecs' raw payload.
        java.io.File[] parts = new java.io.File(cacheDir().toUri().getPath(), "train")
                .listFiles(f -> f.getName().endsWith(".parquet"));
        long onDisk = 0;
        for (java.io.File f : parts) onDisk += f.length();
        long samples = job.spark()
                .read()
                .parquet(cacheDir() + "/train")
                .select("sample_id")
                .distinct()
                .count();
        String kdRow =
                table.lines().filter(l -> l.startsWith("| kd |")).findFirst().orElseThrow();
        String[] cells = kdRow.split("\\|");
        assertEquals(
                (double) onDisk / samples,
                Double.parseDouble(cells[8].trim()),
                1.0,
                "logits fp16 + neck int8 bytes per sample on disk: " + table);
        assertTrue(cells[7].trim().matches("\\d+\\.\\d\\dx"), "time relative to the baseline: " + kdRow);
        String baselineRow = table.lines()
                .filter(l -> l.startsWith("| baseline |"))
                .findFirst()
                .orElseThrow();
        assertEquals("1.00x", baselineRow.split("\\|")[7].trim());
        assertEquals("0", baselineRow.split("\\|")[8].trim(), "a run without a teacher reads no cache");
        assertTrue(Files.readString(job.work().resolve("report/comparison.md")).contains(kdRow));
    }

    @Test
    @Order(14)
    void darkRankTransfersTheTeachersRankingThroughTheDistillJob() throws Exception {
        // alpha = 30: pooled ReLU features of different images are nearly parallel, so at the paper's
        // alpha = 3 every score is near 0 and the ranking barely trains (docs/methods-darkrank.md).
        Distill4jConfig c = job.config(
                "distill.run-id=darkrank",
                "train.epochs=4",
                "distill.terms=[{kind=darkrank, student-tap=neck, teacher-output=neck, weight=1, mode=hard, list-size=3, alpha=30}]");
        DistillJob.Result r = new DistillJob(job.spark(), c, false, QUIET).run();
        List<String> lines = epochLines(Files.readAllLines(job.work().resolve("runs/darkrank/metrics.jsonl")));
        ObjectMapper json = new ObjectMapper();
        double first =
                json.readTree(lines.get(0)).path("terms").path("darkrank@neck").asDouble(Double.NaN);
        double last = json.readTree(lines.get(lines.size() - 1))
                .path("terms")
                .path("darkrank@neck")
                .asDouble(Double.NaN);
        assertTrue(last < first, "DarkRank loss " + first + " -> " + last);
        JsonNode manifest =
                json.readTree(job.work().resolve("runs/darkrank/_manifest.json").toFile());
        assertEquals(
                List.of("neck"),
                java.util.stream.StreamSupport.stream(
                                manifest.path("teacher_outputs").spliterator(), false)
                        .map(JsonNode::asText)
                        .toList(),
                "the run read the teacher's neck from the cache");
        assertEquals(8, r.examples());
    }

    @Test
    @Order(15)
    void holisticDistillationAlternatesCriticAndStudentAndResumesExactly() throws Exception {
        String terms =
                "distill.terms=[{kind=holistic, student-tap=logits, teacher-output=logits, weight=0.1, critic-steps=5,"
                        + " critic-warmup-steps=20, critic-batch=4, critic-images=8, critic-hidden=8}]";
        job.distill("distill.run-id=hol-full", "train.epochs=3", terms);
        job.distill("distill.run-id=hol-split", "train.epochs=1", terms);
        // "Crash" after epoch 1: checkpoint and critic state are there, the manifest is not; rerun with the full
        // budget.
        DistillRuns.dropManifest(job.work(), "hol-split");
        job.distill("distill.run-id=hol-split", "train.epochs=3", terms);

        ObjectMapper json = new ObjectMapper();
        List<String> lines = epochLines(Files.readAllLines(job.work().resolve("runs/hol-full/metrics.jsonl")));
        assertEquals(3, lines.size());
        for (String l : lines) {
            JsonNode before = json.readTree(l).path("before_epoch");
            assertTrue(
                    before.path("wasserstein").asDouble() > 0,
                    "the critic tells teacher maps from the student's: " + l);
            assertTrue(before.path("critic_steps").asInt() > 0, l);
            assertTrue(json.readTree(l).path("terms").has("holistic@logits"), l);
        }
        assertEquals(
                25,
                json.readTree(lines.get(0))
                        .path("before_epoch")
                        .path("critic_steps")
                        .asInt(),
                "warm-up + steps");
        INDArray a = ModelSerializer.restoreComputationGraph(
                        job.work().resolve("runs/hol-full/student.zip").toFile(), false)
                .params();
        ComputationGraph split = ModelSerializer.restoreComputationGraph(
                job.work().resolve("runs/hol-split/student.zip").toFile(), false);
        assertEquals(
                List.of("task"), split.getConfiguration().getNetworkOutputs(), "the critic is not part of the student");
        double diff = DistillRuns.relativeDifference(a, split.params());
        assertTrue(diff < 1e-4, "resumed vs uninterrupted student: relative parameter difference " + diff);
        double[] full = criticParams(json, "hol-full"), resumed = criticParams(json, "hol-split");
        double num = 0, den = 0;
        for (int i = 0; i < full.length; i++) {
            num += (full[i] - resumed[i]) * (full[i] - resumed[i]);
            den += full[i] * full[i];
        }
        assertTrue(Math.sqrt(num / den) < 1e-4, "resumed vs uninterrupted critic of epoch 3: " + Math.sqrt(num / den));
        JsonNode manifest =
                json.readTree(job.work().resolve("runs/hol-full/_manifest.json").toFile());
        assertEquals("holistic", manifest.path("terms").get(0).path("kind").asText());
        assertEquals(
                List.of("logits"),
                java.util.stream.StreamSupport.stream(
                                manifest.path("teacher_outputs").spliterator(), false)
                        .map(JsonNode::asText)
                        .toList(),
                "the critic's real samples are the cached teacher logits");
    }

    @Test
    @Order(16)
    void metaLayerWeightsOfLmclTrainBetweenEpochsAndResumeExactly() throws Exception {
        String terms =
                "distill.terms=[{kind=l-mcl, student-tap=\"neck,logits\", teacher-output=logits, weight=1, tau=0.2,"
                        + " layer-weights=meta, meta-steps=1, meta-learning-rate=0.01}]";
        job.distill("distill.run-id=meta-full", "train.epochs=3", terms);
        job.distill("distill.run-id=meta-split", "train.epochs=1", terms);
        // "Crash" after epoch 1: checkpoint and meta state are there, the manifest is not; rerun with the full budget.
        DistillRuns.dropManifest(job.work(), "meta-split");
        job.distill("distill.run-id=meta-split", "train.epochs=3", terms);

        ObjectMapper json = new ObjectMapper();
        List<String> lines = epochLines(Files.readAllLines(job.work().resolve("runs/meta-full/metrics.jsonl")));
        assertEquals(3, lines.size());
        for (String l : lines) {
            JsonNode before = json.readTree(l).path("before_epoch");
            assertEquals(1, before.path("meta_steps").asInt(), l);
            for (String pair : List.of("l-mcl@neck~logits", "l-mcl@logits~logits")) {
                double alpha = before.path("alpha@" + pair).asDouble(Double.NaN);
                assertTrue(alpha > 0 && alpha < 1, pair + " in " + l);
            }
        }
        INDArray a = ModelSerializer.restoreComputationGraph(
                        job.work().resolve("runs/meta-full/student.zip").toFile(), false)
                .params();
        INDArray b = ModelSerializer.restoreComputationGraph(
                        job.work().resolve("runs/meta-split/student.zip").toFile(), false)
                .params();
        double diff = a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
        assertTrue(diff < 1e-4, "resumed vs uninterrupted student: relative parameter difference " + diff);
        JsonNode full = json.readTree(job.work()
                        .resolve("runs/meta-full/meta/epoch-0003.json")
                        .toFile())
                .path("params");
        JsonNode resumed = json.readTree(job.work()
                        .resolve("runs/meta-split/meta/epoch-0003.json")
                        .toFile())
                .path("params");
        for (String pair : List.of("l-mcl@neck~logits", "l-mcl@logits~logits")) {
            double num = 0, den = 0;
            for (int i = 0; i < full.path(pair).size(); i++) {
                double x = full.path(pair).get(i).asDouble(),
                        y = resumed.path(pair).get(i).asDouble();
                num += (x - y) * (x - y);
                den += x * x;
            }
            assertTrue(
                    den > 0 && Math.sqrt(num / den) < 1e-4,
                    pair + ": resumed vs uninterrupted phi of epoch 3: " + Math.sqrt(num / den));
        }
    }

    private static double[] criticParams(ObjectMapper json, String run) throws Exception {
        JsonNode n = json.readTree(job.work()
                        .resolve("runs/" + run + "/critic/epoch-0003.json")
                        .toFile())
                .path("params");
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get(i).asDouble();
        return out;
    }

    private static List<String> epochLines(List<String> lines) {
        return lines.stream().filter(l -> l.contains("\"kind\":\"epoch\"")).toList();
    }

    private static long countIgnored() throws Exception {
        long n = 0;
        for (Path f :
                ShardFiles.list(fs(), new Path(job.work().resolve("shards").toUri()), "val")) {
            for (ShardRecord r : ShardFiles.read(new Configuration(), f))
                for (byte b : r.segmentation().trainIds()) if ((b & 0xFF) == 255) n++;
        }
        return n;
    }
}
