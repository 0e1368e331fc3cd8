package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.cache.ModelFiles;
import io.distill4j.model.PretrainedWeightsException;
import io.distill4j.storage.Manifest;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
    /** Both networks at output stride 8 (a 4x8 grid), so the student's logits meet the teacher's. */
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample()
            .with("model.teacher.output-stride=8", "model.student.output-stride=8")
            .sharded()
            .teacher("teacher.epochs=1")
            .cached();

    static final java.nio.file.Path MOBILENET =
            java.nio.file.Path.of("src/test/resources/backbones/mobilenet_v2_w025.onnx");
    static final String CWD = "distill.terms=[{kind=cwd, student-tap=logits, teacher-output=logits, weight=1, tau=4}]";

    @Test
    void resNet18StudentDistilsWithCwdThroughSpark() throws Exception {
        DistillJob.Result r =
                job.distill("distill.run-id=resnet18-cwd", "model.student.backbone=resnet18", CWD, "train.epochs=1");
        assertEquals(8, r.examples());
        List<JsonNode> epochs = MetricsJsonl.epochs(job.work().resolve("runs/resnet18-cwd/metrics.jsonl"));
        assertEquals(1, epochs.size());
        for (JsonNode e : epochs) {
            assertTrue(Double.isFinite(e.path("score").asDouble()), e.toString());
            assertTrue(e.path("terms").toString().contains("cwd"), e.toString());
        }
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path dir = new Path(job.work().resolve("runs/resnet18-cwd").toUri());
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
        PretrainedWeightsException e = assertThrows(
                PretrainedWeightsException.class,
                () -> job.distill(
                        "distill.run-id=folded",
                        "model.student.backbone=mobilenetv2-0.25",
                        "model.student.init=\"" + folded + "\"",
                        CWD,
                        "train.epochs=1"));
        assertTrue(
                e.getMessage().startsWith(folded + ": no tensor 'features.0.0.weight' and no BatchNormalization node"),
                e.getMessage());
        assertFalse(Files.exists(job.work().resolve("runs/folded/" + DistillJob.STUDENT_FILE)));

        // A learning rate too small to move a weight: the trained student still holds the file's convolutions.
        job.distill(
                "distill.run-id=init",
                "model.student.backbone=mobilenetv2-0.25",
                "model.student.init=\"" + MOBILENET + "\"",
                CWD,
                "train.epochs=1",
                "train.learning-rate=1e-9");
        FileSystem fs = FileSystem.getLocal(new Configuration());
        ComputationGraph student = ModelFiles.read(
                fs,
                new Path(job.work()
                        .resolve("runs/init/" + DistillJob.STUDENT_FILE)
                        .toUri()),
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
        java.nio.file.Path dir = job.work().resolve("teacher-init");
        new TrainTeacherJob(
                        job.spark(),
                        job.config(
                                "teacher.dir=\"" + dir + "\"",
                                "model.teacher.backbone=mobilenetv2-0.25",
                                "model.teacher.init=\"" + MOBILENET + "\"",
                                "teacher.epochs=1",
                                "train.learning-rate=1e-9"),
                        QUIET)
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
}
