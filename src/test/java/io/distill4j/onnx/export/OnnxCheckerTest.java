package io.distill4j.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.train.DetectionObjective;
import io.distill4j.train.SegmentationObjective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX project's own validator accepts what distill4j writes: jobs/check_onnx.py runs
 * onnx.checker with full_check (shape inference included) under a python3 that has the onnx
 * package (Debian's python3-onnx), and skips with the reason when there is none.
 */
class OnnxCheckerTest {
    @TempDir
    Path tmp;

    private Path export(ComputationGraphConfiguration conf, String name, SpatialSize size) throws Exception {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        Path file = tmp.resolve(name);
        Files.write(file, OnnxExporter.export(net, size).model().toByteArray());
        return file;
    }

    @Test
    void onnxCheckerAcceptsExportedSegmentationAndDetectionStudents() throws Exception {
        Optional<String> python = PythonInterpreters.withModule("onnx");
        Assumptions.assumeTrue(
                python.isPresent(),
                "no python3 on PATH or in /usr/bin, /usr/local/bin can import onnx (apt-get install python3-onnx)");
        ModelBlueprint seg = ModelBlueprint.of(ModelSpec.segmentationStudent(19, 64, 128));
        ModelBlueprint det = ModelBlueprint.of(ModelSpec.detectionStudent(2, 64, 64));
        ModelBlueprint teacher = ModelBlueprint.of(ModelSpec.segmentationTeacher(19, 64, 128));
        List<Path> files = List.of(
                export(
                        SegmentationObjective.of(seg, Map.of(), List.of()).studentOnlyConfiguration(),
                        "seg.onnx",
                        new SpatialSize(64, 128)),
                export(
                        DetectionObjective.of(det, new int[] {3, 18}).studentOnlyConfiguration(),
                        "det.onnx",
                        new SpatialSize(64, 64)),
                export(seg.graphBuilder().setOutputs("logits").build(), "seg-dynamic.onnx", SpatialSize.DYNAMIC),
                export(
                        SegmentationObjective.of(teacher, Map.of(), List.of()).studentOnlyConfiguration(),
                        "teacher.onnx",
                        new SpatialSize(64, 128)));
        List<String> command = new java.util.ArrayList<>(List.of(python.get(), "jobs/check_onnx.py"));
        files.forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        assertEquals(
                files.size(), log.lines().filter(l -> l.contains("checker: ok")).count(), log);
        assertTrue(log.contains("distill4j.outputs = heatmap:4,reg:4"), log);
    }

    @Test
    void checkOnnxScriptRejectsAFileThatIsNotOnnx() throws Exception {
        Optional<String> python = PythonInterpreters.withModule("onnx");
        Assumptions.assumeTrue(python.isPresent(), "no python3 that can import onnx");
        Path bad = tmp.resolve("bad.onnx");
        Files.writeString(bad, "not a model");
        Process p = new ProcessBuilder(python.get(), "jobs/check_onnx.py", bad.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), log);
        assertTrue(log.contains("bad.onnx"), log);
    }
}
