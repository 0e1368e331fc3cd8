package io.distill4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.ModelFiles;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.PrintStream;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Runs a training job in a {@link RunDirectory}: starts fresh or from the newest checkpoint,
 * trains with {@link SparkTrainer}, and after every epoch saves a checkpoint (with updater state),
 * appends a line to metrics.jsonl and prints a progress line.
 */
public final class TrainingDriver {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingDriver() {}

    /** What was trained: the network and the epoch training started from (1 = fresh). */
    public record Trained(ComputationGraph net, int firstEpoch) {}

    public static Trained run(JavaSparkContext sc, FileSystem fs, RunDirectory run, TrainingObjective objective,
                              TrainSettings settings, IntFunction<JavaRDD<MultiDataSet>> data,
                              boolean resume, String label, PrintStream console) throws Exception {
        return run(sc, fs, run, objective, settings, data, resume, label, console, null);
    }

    /**
     * As above; {@code between} (may be null) runs on the driver before every epoch (the holistic
     * critic's rounds) and what it reports goes into the epoch's metrics line under "before_epoch".
     */
    public static Trained run(JavaSparkContext sc, FileSystem fs, RunDirectory run, TrainingObjective objective,
                              TrainSettings settings, IntFunction<JavaRDD<MultiDataSet>> data,
                              boolean resume, String label, PrintStream console,
                              SparkTrainer.BetweenEpochs between) throws Exception {
        ComputationGraph net;
        int first = 1;
        RunDirectory.Resumable<ComputationGraph> from = resume ? run.newestReadable(f -> ModelFiles.read(fs, f, true))
                : new RunDirectory.Resumable<>(Optional.empty(), Optional.empty(), java.util.List.of());
        if (from.checkpoint().isPresent() || !from.unreadable().isEmpty()) console.println(from.describe(label, settings.epochs()));
        if (from.loaded().isPresent()) {
            net = from.loaded().get();
            first = from.checkpoint().get().epoch() + 1;
        } else {
            if (!resume) run.clear();
            net = new ComputationGraph(objective.configuration());
            net.init();
            objective.initialize(net);
        }
        if (first > settings.epochs()) return new Trained(net, first);
        // The probe whose per-term scores metrics.jsonl records: the first minibatch of the data.
        ScoreProbe probe = new ScoreProbe(org.nd4j.linalg.dataset.MultiDataSet.merge(
                data.apply(first).take(settings.batchSizePerWorker())));
        ComputationGraph trained = new SparkTrainer(sc, settings).train(net, first, data, probe, between, (epoch, n, m) -> {
            run.saveCheckpoint(epoch, n);
            ObjectNode line = JSON.createObjectNode();
            line.put("kind", "epoch").put("epoch", epoch).put("score", m.score()).put("examples", m.examples()).put("seconds", m.seconds())
                    .put("examples_per_s", m.examplesPerSecond()).put("averaging_ms", m.averagingMs());
            ObjectNode terms = line.putObject("terms");
            m.terms().forEach(terms::put);
            if (!m.beforeEpoch().isEmpty()) {
                ObjectNode before = line.putObject("before_epoch");
                m.beforeEpoch().forEach(before::put);
            }
            run.appendMetrics(m.iterations(), line);
            StringBuilder t = new StringBuilder();
            m.terms().forEach((k, v) -> t.append(String.format(" %s=%.4f", k, v)));
            if (between != null && !m.beforeEpoch().isEmpty()) t.append(' ').append(between.describe(m.beforeEpoch()));
            console.printf("[%s] epoch %d/%d  loss %.4f %s  %.1f s  %.1f img/s%n", label, epoch, settings.epochs(),
                    m.score(), t.toString().trim(), m.seconds(), m.examplesPerSecond());
        });
        return new Trained(trained, first);
    }
}
