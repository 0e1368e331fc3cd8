package io.distill4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.ModelFiles;
import io.distill4j.config.TrainSettings;
import java.io.PrintStream;
import java.util.Optional;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Runs a training job in a {@link RunDirectory}: starts fresh or from the newest checkpoint,
 * trains with {@link SparkTrainer}, and after every epoch saves a checkpoint (with updater state),
 * appends a line to metrics.jsonl and prints a progress line. With {@code train.validate-every} and
 * an {@link EpochValidator} it also scores the model and keeps the best one as {@link #BEST_FILE}.
 */
public final class TrainingDriver {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The best-scoring model of a run with validation (the last one is the stage's own output). */
    public static final String BEST_FILE = "best.zip";

    private TrainingDriver() {}

    /** What was trained: the network and the epoch training started from (1 = fresh). */
    public record Trained(ComputationGraph net, int firstEpoch) {}

    public static Trained run(
            JavaSparkContext sc,
            FileSystem fs,
            RunDirectory run,
            TrainingObjective objective,
            TrainSettings settings,
            IntFunction<? extends EpochData<?>> data,
            boolean resume,
            String label,
            PrintStream console)
            throws Exception {
        return run(sc, fs, run, objective, settings, data, resume, label, console, null);
    }

    /**
     * As above; {@code between} (may be null) runs on the driver before every epoch (the holistic
     * critic's rounds) and what it reports goes into the epoch's metrics line under "before_epoch".
     */
    public static Trained run(
            JavaSparkContext sc,
            FileSystem fs,
            RunDirectory run,
            TrainingObjective objective,
            TrainSettings settings,
            IntFunction<? extends EpochData<?>> data,
            boolean resume,
            String label,
            PrintStream console,
            SparkTrainer.BetweenEpochs between)
            throws Exception {
        return run(sc, fs, run, objective, settings, data, resume, label, console, between, null);
    }

    /**
     * As above; {@code validator} (may be null; unused when {@code settings.validateEvery()} is 0)
     * scores the model after the epochs {@link TrainSettings#validatesAfter} names.
     */
    public static Trained run(
            JavaSparkContext sc,
            FileSystem fs,
            RunDirectory run,
            TrainingObjective objective,
            TrainSettings settings,
            IntFunction<? extends EpochData<?>> data,
            boolean resume,
            String label,
            PrintStream console,
            SparkTrainer.BetweenEpochs between,
            EpochValidator validator)
            throws Exception {
        ComputationGraph net;
        int first = 1;
        RunDirectory.Resumable<ComputationGraph> from = resume
                ? run.newestReadable(f -> ModelFiles.read(fs, f, true))
                : new RunDirectory.Resumable<>(Optional.empty(), Optional.empty(), java.util.List.of());
        if (from.checkpoint().isPresent() || !from.unreadable().isEmpty())
            console.println(from.describe(label, settings.epochs()));
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
        // The probe whose per-term scores metrics.jsonl records: the first minibatch of the data,
        // built once (a lazy builder builds those examples only).
        ScoreProbe probe = new ScoreProbe(
                org.nd4j.linalg.dataset.MultiDataSet.merge(data.apply(first).first(settings.batchSizePerWorker())));
        EpochProgress progress = new EpochProgress(first, settings.epochs(), System.nanoTime());
        BestScore best = new BestScore(validator != null && first > 1 ? bestSoFar(run) : Double.NEGATIVE_INFINITY);
        SparkTrainer trainer = new SparkTrainer(sc, settings, notice -> console.printf("[%s] %s%n", label, notice));
        ComputationGraph trained = trainer.trainOn(net, first, data, probe, between, (epoch, n, m) -> {
            run.saveCheckpoint(epoch, n);
            run.pruneCheckpoints(settings.keepCheckpoints());
            ObjectNode line = JSON.createObjectNode();
            line.put("kind", "epoch")
                    .put("epoch", epoch)
                    .put("score", m.score())
                    .put("examples", m.examples())
                    .put("seconds", m.seconds())
                    .put("examples_per_s", m.examplesPerSecond())
                    .put("averaging_ms", m.averagingMs())
                    .put("probe_seconds", m.probeSeconds());
            ObjectNode terms = line.putObject("terms");
            m.terms().forEach(terms::put);
            if (!m.beforeEpoch().isEmpty()) {
                ObjectNode before = line.putObject("before_epoch");
                m.beforeEpoch().forEach(before::put);
            }
            String validated = "";
            if (validator != null && settings.validatesAfter(epoch)) {
                long t0 = System.nanoTime();
                EpochValidator.Score score = validator.validate(n);
                boolean isBest = score.value() > best.value;
                if (isBest) {
                    best.value = score.value();
                    ModelFiles.write(fs, run.file(BEST_FILE), score.model(), false);
                }
                line.putObject("validation")
                        .put("metric", score.metric())
                        .put("value", score.value())
                        .put("best", isBest)
                        .put("seconds", (System.nanoTime() - t0) / 1e9);
                validated = String.format(
                        "  val %s %.2f%%%s", score.metric(), 100 * score.value(), isBest ? " (best)" : "");
            }
            run.appendMetrics(m.iterations(), line);
            StringBuilder t = new StringBuilder();
            m.terms().forEach((k, v) -> t.append(String.format(" %s=%.4f", k, v)));
            if (between != null && !m.beforeEpoch().isEmpty()) t.append(' ').append(between.describe(m.beforeEpoch()));
            console.printf(
                    "[%s] epoch %d/%d  loss %.4f %s  %.1f s  %.1f img/s%s  %s%n",
                    label,
                    epoch,
                    settings.epochs(),
                    m.score(),
                    t.toString().trim(),
                    m.seconds(),
                    m.examplesPerSecond(),
                    validated,
                    progress.after(epoch, System.nanoTime()));
        });
        return new Trained(trained, first);
    }

    /** The best validation score so far, carried across epochs in the epoch callback. */
    private static final class BestScore {
        double value;

        BestScore(double value) {
            this.value = value;
        }
    }

    /** The best validation score of the epochs a resumed run already has in metrics.jsonl. */
    private static double bestSoFar(RunDirectory run) {
        return run.metrics().stream()
                .map(l -> l.path("validation").path("value"))
                .filter(v -> v.isNumber())
                .mapToDouble(v -> v.asDouble())
                .max()
                .orElse(Double.NEGATIVE_INFINITY);
    }
}
