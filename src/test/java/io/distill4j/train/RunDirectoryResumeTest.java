package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.cache.ModelFiles;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Resuming a run whose newest checkpoint was cut short: real DL4J checkpoint zips on the local file system. */
class RunDirectoryResumeTest {
    @TempDir
    java.nio.file.Path tmp;

    static ComputationGraph tinyNet(long seed) {
        var conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "hidden",
                        new DenseLayer.Builder()
                                .nIn(3)
                                .nOut(4)
                                .activation(Activation.RELU)
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                .nIn(4)
                                .nOut(2)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "hidden")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    RunDirectory runWithTwoCheckpoints(FileSystem fs) {
        RunDirectory run = new RunDirectory(fs, new Path(tmp.resolve("run").toUri()));
        run.saveCheckpoint(1, tinyNet(1));
        run.saveCheckpoint(2, tinyNet(2));
        return run;
    }

    static void truncate(java.nio.file.Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    }

    @Test
    void truncatedNewestCheckpointFallsBackToThePreviousOneSayingSo() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        RunDirectory run = runWithTwoCheckpoints(fs);
        java.nio.file.Path newest = tmp.resolve("run/checkpoints/epoch-0002.zip");
        truncate(newest);

        RunDirectory.Resumable<ComputationGraph> r = run.newestReadable(f -> ModelFiles.read(fs, f, true));
        assertEquals(1, r.checkpoint().orElseThrow().epoch());
        assertEquals(tinyNet(1).params(), r.loaded().orElseThrow().params(), "the previous checkpoint's parameters");
        assertEquals(List.of("epoch-0002.zip"), r.unreadable());
        String line = r.describe("distill", 3);
        assertTrue(
                line.startsWith("[distill] resuming from ")
                        && line.contains("epoch-0001.zip (epoch 1 of 3 done)")
                        && line.contains("epoch-0002.zip is unreadable"),
                line);
        assertEquals(1, line.lines().count());
        assertFalse(Files.exists(newest), "the unreadable checkpoint must not be tried again");
        assertTrue(Files.exists(newest.resolveSibling("epoch-0002.zip.unreadable")), "moved aside, not deleted");
        assertEquals(1, run.latestCheckpoint().orElseThrow().epoch());
    }

    @Test
    void noReadableCheckpointStartsOverSayingSo() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        RunDirectory run = runWithTwoCheckpoints(fs);
        truncate(tmp.resolve("run/checkpoints/epoch-0001.zip"));
        truncate(tmp.resolve("run/checkpoints/epoch-0002.zip"));
        RunDirectory.Resumable<ComputationGraph> r = run.newestReadable(f -> ModelFiles.read(fs, f, true));
        assertTrue(r.checkpoint().isEmpty() && r.loaded().isEmpty());
        assertEquals(List.of("epoch-0002.zip", "epoch-0001.zip"), r.unreadable());
        assertTrue(r.describe("train", 3).contains("training starts over from epoch 1"), r.describe("train", 3));
        assertTrue(run.checkpoints().isEmpty());
    }

    @Test
    void intactCheckpointsResumeFromTheNewestWithoutAWarning() {
        FileSystem fs;
        try {
            fs = FileSystem.getLocal(new Configuration());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        RunDirectory run = runWithTwoCheckpoints(fs);
        RunDirectory.Resumable<ComputationGraph> r = run.newestReadable(f -> ModelFiles.read(fs, f, true));
        assertEquals(2, r.checkpoint().orElseThrow().epoch());
        assertTrue(r.unreadable().isEmpty());
        assertFalse(r.describe("distill", 3).contains("unreadable"));
    }
}
