package io.distill4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.config.TrainSettings;
import io.distill4j.distill.AnchorWeights;
import io.distill4j.distill.CriticAdam;
import io.distill4j.distill.MutualContrastiveLoss;
import io.distill4j.method.LayerWeightOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The meta side of L-MCL with meta-learned layer weights, run on the driver before every epoch:
 * <ol>
 *   <li>a seeded sample of {@code meta-steps x batch-size-per-worker} training examples is collected
 *       to the driver (a few examples: {@code takeSample}, one pass over the epoch's RDD);</li>
 *   <li>per minibatch of {@code batch-size-per-worker} of them, {@link LookAheadMetaGradient} gives
 *       dL_task(theta')/dphi on copies of the current network (training mode), and one Adam step
 *       ({@code meta-learning-rate}) moves phi, the Wq, Wk of every L-MCL pair;</li>
 *   <li>the new anchor weights replace the losses in the network's configuration, so the next fit's
 *       configuration broadcast takes them to every worker, frozen for the epoch.</li>
 * </ol>
 * The paper takes a meta step every iteration; here phi moves only between epochs, because
 * parameter averaging gives the driver the network only then. phi and its Adam state are written
 * to {@code meta/epoch-NNNN.json} in the run directory before epoch N trains, so a resumed run
 * restores exactly what an uninterrupted run would have; sample and minibatches are seeded by
 * (seed, epoch).
 */
public final class MetaWeightRounds implements SparkTrainer.BetweenEpochs {
    /** Run-directory folder of the per-epoch meta state. */
    static final String STATE_FOLDER = "meta";
    /** Adam's usual moments for the meta parameters (Meta-Weight-Net trains them with plain Adam too). */
    static final double BETA1 = 0.9;

    static final double BETA2 = 0.999;
    static final double ADAM_EPSILON = 1e-8;

    private final JavaSparkContext sc;
    private final RunDirectory run;
    private final List<String> outputs;
    private final LayerWeightOptions options;
    private final long seed;
    private final int batchSize;
    private final Map<String, AnchorWeights> weights = new LinkedHashMap<>();
    private CriticAdam adam;

    public MetaWeightRounds(
            JavaSparkContext sc, RunDirectory run, SegmentationObjective objective, TrainSettings settings) {
        List<SegmentationObjective.Term> terms = objective.metaWeightedTerms();
        if (terms.isEmpty()) throw new IllegalArgumentException("no l-mcl term with layer-weights = meta");
        this.sc = sc;
        this.run = run;
        this.outputs = terms.stream().map(SegmentationObjective.Term::output).toList();
        if (terms.stream()
                        .map(t -> t.term().options(LayerWeightOptions.class))
                        .distinct()
                        .count()
                > 1) {
            throw new IllegalArgumentException("l-mcl terms with layer-weights = meta must share their meta settings "
                    + "(one meta optimiser), got "
                    + terms.stream()
                            .map(t -> t.output() + ": " + t.term().options(LayerWeightOptions.class))
                            .toList());
        }
        this.options = terms.get(0).term().options(LayerWeightOptions.class);
        this.seed = settings.seed();
        this.batchSize = Math.max(1, settings.batchSizePerWorker());
    }

    /**
     * Sets phi up for training from {@code firstEpoch}: fresh seeded weights for a fresh run, else
     * the weights and Adam state saved before epoch {@code firstEpoch - 1}.
     */
    @Override
    public void start(int firstEpoch) {
        weights.clear();
        if (firstEpoch <= 1) {
            for (int k = 0; k < outputs.size(); k++) {
                weights.put(
                        outputs.get(k),
                        AnchorWeights.random(
                                SegmentationObjective.MCL_EMBEDDING,
                                options.metaDim(),
                                SegmentationObjective.INITIAL_META_STD,
                                seed * 1_000_003L + k));
            }
            adam = new CriticAdam(flat().length, options.metaLearningRate(), BETA1, BETA2, ADAM_EPSILON);
            return;
        }
        JsonNode n =
                RoundState.read(run, sc.hadoopConfiguration(), STATE_FOLDER, firstEpoch - 1, "the l-mcl meta weights");
        for (String k : outputs) {
            JsonNode p = n.path("params").path(k);
            if (p.isMissingNode()) {
                throw new IllegalArgumentException(
                        run.file(RoundState.name(STATE_FOLDER, firstEpoch - 1)) + ": no meta weights for output " + k);
            }
            weights.put(k, new AnchorWeights(n.path("embedding").asInt(), RoundState.doubles(p)));
        }
        adam = RoundState.adam(n);
    }

    @Override
    public Map<String, Double> beforeEpoch(int epoch, ComputationGraph net, EpochData<?> data) {
        if (adam == null) throw new IllegalStateException("start() was not called");
        long started = System.nanoTime();
        installAll(net);
        int steps = options.metaSteps();
        List<MultiDataSet> sample = data.takeSample(steps * batchSize, seed * 7919L + epoch);
        if (sample.isEmpty()) throw new IllegalArgumentException("l-mcl meta weights: no training examples");
        LookAheadMetaGradient meta = new LookAheadMetaGradient(outputs, options.metaVirtualLr());
        Map<String, Double> alphaSum = new LinkedHashMap<>();
        double lookAhead = 0;
        int done = 0;
        for (int step = 0; step < steps; step++) {
            int from = step * batchSize;
            if (from >= sample.size()) break;
            MultiDataSet batch = org.nd4j.linalg.dataset.MultiDataSet.merge(
                    sample.subList(from, Math.min(sample.size(), from + batchSize)));
            LookAheadMetaGradient.Result r = meta.compute(net, batch);
            double[] gradient = new double[adam.m().length];
            int at = 0;
            for (String k : outputs) {
                double[] g = r.gradients().get(k);
                System.arraycopy(g, 0, gradient, at, g.length);
                at += g.length;
                alphaSum.merge(k, r.meanAlpha().get(k), Double::sum);
            }
            unflat(adam.update(flat(), gradient));
            installAll(net);
            lookAhead += r.lookAheadTask();
            done++;
        }
        saveState(epoch);
        Map<String, Double> out = new LinkedHashMap<>();
        // Mean alpha over the round's minibatches, each at the phi it started from.
        for (String k : outputs) out.put("alpha@" + k, alphaSum.get(k) / done);
        out.put("meta_steps", (double) done);
        out.put("lookahead_task", lookAhead / done);
        out.put("seconds", (System.nanoTime() - started) / 1e9);
        return out;
    }

    @Override
    public String describe(Map<String, Double> r) {
        StringBuilder t = new StringBuilder("meta:");
        r.forEach((k, v) -> {
            if (k.startsWith("alpha@")) t.append(String.format(" %s=%.3f", k, v));
        });
        return t.append(String.format(" (%.0f steps, %.1f s)", r.get("meta_steps"), r.get("seconds")))
                .toString();
    }

    private void installAll(ComputationGraph net) {
        for (String k : outputs) {
            OutputLosses.replace(
                    net,
                    k,
                    OutputLosses.get(net, k, MutualContrastiveLoss.class).withAnchorWeights(weights.get(k)));
        }
    }

    /** phi of every pair, in output order. */
    private double[] flat() {
        List<double[]> parts = new ArrayList<>();
        for (String k : outputs) parts.add(weights.get(k).params());
        double[] out = new double[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private void unflat(double[] all) {
        int at = 0;
        for (String k : outputs) {
            AnchorWeights w = weights.get(k);
            int size = w.params().length;
            weights.put(k, w.withParams(java.util.Arrays.copyOfRange(all, at, at + size)));
            at += size;
        }
    }

    private void saveState(int epoch) {
        ObjectNode n = RoundState.create();
        n.put("epoch", epoch)
                .put("embedding", SegmentationObjective.MCL_EMBEDDING)
                .put("dim", options.metaDim());
        ObjectNode params = n.putObject("params");
        for (String k : outputs) RoundState.putDoubles(params, k, weights.get(k).params());
        RoundState.putAdam(n, adam);
        RoundState.write(run, STATE_FOLDER, epoch, n);
    }

    /** The anchor weights trained most recently (those installed in the network), per output. */
    public Map<String, AnchorWeights> weights() {
        return Map.copyOf(weights);
    }

    /** The meta optimiser's step count so far. */
    public long adamSteps() {
        return adam.step();
    }
}
