package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.cache.ModelFiles;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.model.PretrainedWeightsException;
import io.distill4j.storage.Manifest;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Torchvision backbones through the Spark jobs (local[2], the generated sample at 32x64): a
 * ResNet-18 student distils against the cached compact teacher with CWD, and a student initialised
 * from an ONNX file of torchvision's MobileNetV2 starts from that file's weights (a folded export
 * is refused before anything trains).
 */
@Tag("spark")
class BackboneJobsTest {
    @TempDir
    static java.nio.file.Path tmp;

    static java.nio.file.Path sample;
    static java.nio.file.Path work;
    static SparkSession spark;
    static final PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    static final java.nio.file.Path MOBILENET =
            java.nio.file.Path.of("src/test/resources/backbones/mobilenet_v2_w025.onnx");
    static final String CWD = "distill.terms=[{kind=cwd, student-tap=logits, teacher-output=logits, weight=1, tau=4}]";

    @BeforeAll
    static void start() throws Exception {
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        Distill4jConfig c = config();
        spark = SparkTestSupport.spark(c);
        new ShardJob(spark, c.dataset(), c.shard()).run();
        new TrainTeacherJob(spark, config("teacher.epochs=1"), quiet).run();
        new CacheTeacherJob(spark, config(), quiet).run();
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    /** Both networks at output stride 8 (a 4x8 grid), so the student's logits meet the teacher's. */
    static Distill4jConfig config(String... extra) {
        String[] all = new String[extra.length + 2];
        all[0] = "model.teacher.output-stride=8";
        all[1] = "model.student.output-stride=8";
        System.arraycopy(extra, 0, all, 2, extra.length);
        return SparkTestSupport.config(work, sample, all);
    }

    @Test
    void resNet18StudentDistilsWithCwdThroughSpark() throws Exception {
        DistillJob.Result r = new DistillJob(
                        spark,
                        config("distill.run-id=resnet18-cwd", "model.student.backbone=resnet18", CWD, "train.epochs=1"),
                        false,
                        quiet)
                .run();
        assertEquals(8, r.examples());
        List<JsonNode> epochs = epochLines(work.resolve("runs/resnet18-cwd/metrics.jsonl"));
        assertEquals(1, epochs.size());
        for (JsonNode e : epochs) {
            assertTrue(Double.isFinite(e.path("score").asDouble()), e.toString());
            assertTrue(e.path("terms").toString().contains("cwd"), e.toString());
        }
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path dir = new Path(work.resolve("runs/resnet18-cwd").toUri());
        assertTrue(Manifest.read(fs, dir).path("architecture").asText().contains("backbone=resnet18"));
        ComputationGraph student = ModelFiles.read(fs, new Path(dir, DistillJob.STUDENT_FILE), false);
        assertTrue(student.getLayer("layer4.1.conv2") != null, "torchvision's layer names in the exported student");
        INDArray logits = student.feedForward(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 32, 64), false)
                .get("logits");
        assertArrayEquals(new long[] {2, 19, 4, 8}, logits.shape());
    }

    @Test
    void studentStartsFromTheOnnxBackboneAndAFoldedFileIsRefused() throws Exception {
        String folded = "src/test/resources/backbones/mobilenet_v2_w025_folded.onnx";
        PretrainedWeightsException e = assertThrows(PretrainedWeightsException.class, () -> new DistillJob(
                        spark,
                        config(
                                "distill.run-id=folded",
                                "model.student.backbone=mobilenetv2-0.25",
                                "model.student.init=\"" + folded + "\"",
                                CWD,
                                "train.epochs=1"),
                        false,
                        quiet)
                .run());
        assertTrue(
                e.getMessage().startsWith(folded + ": no tensor 'features.0.0.weight' and no BatchNormalization node"),
                e.getMessage());
        assertFalse(Files.exists(work.resolve("runs/folded/" + DistillJob.STUDENT_FILE)));

        // A learning rate too small to move a weight: the trained student still holds the file's convolutions.
        new DistillJob(
                        spark,
                        config(
                                "distill.run-id=init",
                                "model.student.backbone=mobilenetv2-0.25",
                                "model.student.init=\"" + MOBILENET + "\"",
                                CWD,
                                "train.epochs=1",
                                "train.learning-rate=1e-9"),
                        false,
                        quiet)
                .run();
        FileSystem fs = FileSystem.getLocal(new Configuration());
        ComputationGraph student = ModelFiles.read(
                fs,
                new Path(work.resolve("runs/init/" + DistillJob.STUDENT_FILE).toUri()),
                false);
        INDArray file = onnxTensor("features.0.0.weight");
        assertTrue(student.getLayer("features.0.0").getParam("W").equalsWithEps(file, 1e-6), "stem conv from the file");
        INDArray depthwise = onnxTensor("features.2.conv.1.0.weight").permute(2, 3, 0, 1);
        assertTrue(
                student.getLayer("features.2.conv.1.0").getParam("W").equalsWithEps(depthwise, 1e-6),
                "depthwise conv from the file");
    }

    @Test
    void aDl4jTeacherStartsFromTheOnnxBackboneToo() throws Exception {
        java.nio.file.Path dir = work.resolve("teacher-init");
        new TrainTeacherJob(
                        spark,
                        config(
                                "teacher.dir=\"" + dir + "\"",
                                "model.teacher.backbone=mobilenetv2-0.25",
                                "model.teacher.init=\"" + MOBILENET + "\"",
                                "teacher.epochs=1",
                                "train.learning-rate=1e-9"),
                        quiet)
                .run();
        ComputationGraph teacher = ModelFiles.read(
                FileSystem.getLocal(new Configuration()),
                new Path(dir.resolve(TrainTeacherJob.MODEL_FILE).toUri()),
                false);
        assertTrue(
                teacher.getLayer("features.0.0").getParam("W").equalsWithEps(onnxTensor("features.0.0.weight"), 1e-6),
                "the teacher's stem conv from the file");
    }

    /** One tensor of the checked-in MobileNetV2 file, read with the ONNX protobuf classes directly. */
    private static INDArray onnxTensor(String name) throws Exception {
        try (InputStream in = Files.newInputStream(MOBILENET)) {
            for (onnx.Onnx.TensorProto t :
                    onnx.Onnx.ModelProto.parseFrom(in).getGraph().getInitializerList()) {
                if (!t.getName().equals(name)) continue;
                java.nio.FloatBuffer fb = t.getRawData()
                        .asReadOnlyByteBuffer()
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return Nd4j.createFromArray(v)
                        .reshape(t.getDimsList().stream()
                                .mapToLong(Long::longValue)
                                .toArray());
            }
        }
        throw new AssertionError("no tensor " + name + " in " + MOBILENET);
    }

    private static List<JsonNode> epochLines(java.nio.file.Path metrics) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(metrics)) {
            JsonNode n = json.readTree(l);
            if (n.path("kind").asText().equals("epoch")) out.add(n);
        }
        return out;
    }
}
