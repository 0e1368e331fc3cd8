package io.distill4j.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.cli.Cli;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.train.SegmentationObjective;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/** {@code export-onnx} on model zips: defaults, sizes, and bad input in one line. */
class ExportOnnxCommandTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        return Cli.execute(new ExportOnnxCommand(o, e), List.of(args), o, e);
    }

    private Path studentZip() throws Exception {
        SegmentationObjective o = SegmentationObjective.of(
                ModelBlueprint.of(ModelSpec.segmentationStudent(19, 32, 64)), Map.of(), List.of());
        ComputationGraph net = new ComputationGraph(o.studentOnlyConfiguration());
        net.init();
        Path zip = tmp.resolve("run/student.zip");
        Files.createDirectories(zip.getParent());
        ModelSerializer.writeModel(net, zip.toFile(), false);
        return zip;
    }

    private static List<Long> inputDims(Path onnx) throws Exception {
        return Onnx.ModelProto.parseFrom(Files.readAllBytes(onnx))
                .getGraph()
                .getInput(0)
                .getType()
                .getTensorType()
                .getShape()
                .getDimList()
                .stream()
                .map(Onnx.TensorShapeProto.Dimension::getDimValue)
                .toList();
    }

    @Test
    void writesBesideTheZipAtTheTrainedSizeByDefault() throws Exception {
        Path zip = studentZip();
        assertEquals(0, run("--model", zip.toString()), err.toString());
        Path onnx = tmp.resolve("run/student.onnx");
        assertEquals(List.of(0L, 3L, 32L, 64L), inputDims(onnx));
        assertTrue(out.toString().contains("logits (19 channels, stride 8)"), out.toString());
        assertFalse(
                Files.list(zip.getParent())
                        .anyMatch(p -> p.getFileName().toString().contains(".tmp-")),
                "no temporary file is left behind");
    }

    @Test
    void sizeOptionDeclaresAnotherOrADynamicSize() throws Exception {
        Path zip = studentZip();
        assertEquals(
                0, run("--model", zip.toString(), "--out", tmp.resolve("a.onnx").toString(), "--size", "128x256"));
        assertEquals(List.of(0L, 3L, 128L, 256L), inputDims(tmp.resolve("a.onnx")));
        assertEquals(
                0, run("--model", zip.toString(), "--out", tmp.resolve("b.onnx").toString(), "--size", "dynamic"));
        assertEquals(List.of(0L, 3L, 0L, 0L), inputDims(tmp.resolve("b.onnx")));
        assertEquals(2, run("--model", zip.toString(), "--size", "big"));
        assertTrue(err.toString().contains("HxW"), err.toString());
    }

    @Test
    void aModelWithAnUnmappedLayerIsRefusedInOneLineAndNothingIsWritten() throws Exception {
        var g = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("image")
                .setInputTypes(InputType.convolutional(8, 8, 3));
        g.addLayer("up", new Deconvolution2D.Builder(2, 2).stride(2, 2).nOut(4).build(), "image");
        g.addLayer(
                "logits",
                new ConvolutionLayer.Builder(1, 1)
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .build(),
                "up");
        ComputationGraph net = new ComputationGraph(g.setOutputs("logits").build());
        net.init();
        Path zip = tmp.resolve("odd.zip");
        ModelSerializer.writeModel(net, zip.toFile(), false);
        assertEquals(1, run("--model", zip.toString()));
        List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(
                lines.get(0).contains("odd.zip")
                        && lines.get(0).contains("'up'")
                        && lines.get(0).contains("Deconvolution2D"),
                lines.get(0));
        assertFalse(Files.exists(tmp.resolve("odd.onnx")));
    }

    @Test
    void aMissingModelOptionIsAUsageError() throws Exception {
        assertEquals(2, run("--out", "x.onnx"));
        assertTrue(err.toString().contains("missing --model"), err.toString());
    }
}
