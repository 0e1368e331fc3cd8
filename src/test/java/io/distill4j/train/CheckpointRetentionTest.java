package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.cache.ModelFiles;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.TrainSettings;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train.keep-checkpoints: real DL4J checkpoint zips on the local file system, pruned as a run writes them. */
class CheckpointRetentionTest {
    @TempDir
    java.nio.file.Path tmp;

    private static List<Integer> epochs(RunDirectory run) {
        return run.checkpoints().stream().map(RunDirectory.Checkpoint::epoch).toList();
    }

    /** What TrainingDriver does after each epoch: write the checkpoint, then prune. */
    private static void writeEpochs(RunDirectory run, int from, int to, int keep) {
        for (int e = from; e <= to; e++) {
            run.saveCheckpoint(e, RunDirectoryResumeTest.tinyNet(e));
            run.pruneCheckpoints(keep);
        }
    }

    @Test
    void onlyTheNewestAreKeptAndBestZipIsNeverTouched() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        RunDirectory run = new RunDirectory(fs, new Path(tmp.resolve("run").toUri()));
        ModelFiles.write(fs, run.file(TrainingDriver.BEST_FILE), RunDirectoryResumeTest.tinyNet(9), false);
        writeEpochs(run, 1, 5, 2);
        assertEquals(List.of(5, 4), epochs(run));
        assertTrue(Files.isRegularFile(tmp.resolve("run/best.zip")));
        try (var files = Files.list(tmp.resolve("run/checkpoints"))) {
            assertEquals(
                    List.of("epoch-0004.zip", "epoch-0005.zip"),
                    files.map(f -> f.getFileName().toString())
                            .filter(n -> !n.endsWith(".crc"))
                            .sorted()
                            .toList(),
                    "nothing else is left behind");
        }
    }

    @Test
    void zeroKeepsEveryCheckpoint() throws Exception {
        RunDirectory run = new RunDirectory(
                FileSystem.getLocal(new Configuration()),
                new Path(tmp.resolve("run").toUri()));
        writeEpochs(run, 1, 4, TrainSettings.KEEP_ALL_CHECKPOINTS);
        assertEquals(List.of(4, 3, 2, 1), epochs(run));
    }

    @Test
    void aResumedRunFallsBackToTheKeptOneWhenTheNewestIsCutShort() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        RunDirectory run = new RunDirectory(fs, new Path(tmp.resolve("run").toUri()));
        writeEpochs(run, 1, 3, 2);
        RunDirectoryResumeTest.truncate(tmp.resolve("run/checkpoints/epoch-0003.zip"));
        RunDirectory.Resumable<ComputationGraph> r = run.newestReadable(f -> ModelFiles.read(fs, f, true));
        assertEquals(2, r.checkpoint().orElseThrow().epoch());
        assertEquals(
                RunDirectoryResumeTest.tinyNet(2).params(),
                r.loaded().orElseThrow().params());
        // The resumed run trains epoch 3 again and prunes; the unreadable copy moved aside is not a checkpoint.
        writeEpochs(run, 3, 4, 2);
        assertEquals(List.of(4, 3), epochs(run));
        assertTrue(
                Files.isRegularFile(tmp.resolve("run/checkpoints/epoch-0003.zip.unreadable")), "kept for inspection");
        assertEquals(
                RunDirectoryResumeTest.tinyNet(4).params(),
                run.newestReadable(f -> ModelFiles.read(fs, f, true))
                        .loaded()
                        .orElseThrow()
                        .params());
    }

    @Test
    void theKeyIsTypedWithADefaultOfTwo() {
        assertEquals(
                2, ConfigLoader.load((java.io.File) null, List.of()).train().keepCheckpoints());
        assertEquals(
                0,
                ConfigLoader.load((java.io.File) null, List.of("train.keep-checkpoints=0"))
                        .train()
                        .keepCheckpoints());
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                RuntimeException.class,
                () -> ConfigLoader.load((java.io.File) null, List.of("train.keep-checkpoints=-1")));
        assertTrue(e.getMessage().contains("distill4j.train.keep-checkpoints"), e.getMessage());
    }
}
