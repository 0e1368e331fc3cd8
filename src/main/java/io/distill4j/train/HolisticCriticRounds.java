package io.distill4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.ModelFiles;
import io.distill4j.config.TrainSettings;
import io.distill4j.distill.CriticAdam;
import io.distill4j.distill.HolisticCritic;
import io.distill4j.distill.HolisticLoss;
import io.distill4j.method.HolisticOptions;
import io.distill4j.model.TapInfo;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The critic side of holistic distillation, run on the driver before every student epoch:
 * <ol>
 *   <li>the executors run the current student (broadcast) on a seeded sample of
 *       {@code critic-images} training examples and send back (image at the grid, student logits,
 *       teacher logits): the student maps are computed where the data is, like training;</li>
 *   <li>the driver takes {@code critic-steps} Adam steps of WGAN-GP on minibatches of those triples
 *       (teacher probabilities real, student probabilities fake), plus {@code critic-warmup-steps}
 *       before the first epoch;</li>
 *   <li>the trained critic replaces the {@link HolisticLoss} in the network's configuration, so the
 *       next fit's configuration broadcast takes it to every worker, frozen for the epoch.</li>
 * </ol>
 * The critic is never parameter-averaged: there is one copy, trained on the driver between fits
 * (its gradient is small, its data are a few maps). Its parameters and Adam state are written to
 * {@code critic/epoch-NNNN.json} in the run directory before epoch N trains, so a resumed run
 * restores exactly the critic and optimiser state an uninterrupted run would have; each round's
 * sample and minibatches are seeded by (seed, epoch).
 */
public final class HolisticCriticRounds implements SparkTrainer.BetweenEpochs {
    /** Run-directory folder of the per-epoch critic state. */
    static final String STATE_FOLDER = "critic";
    /** WGAN-GP's Adam (Gulrajani et al. 2017): beta1 = 0, beta2 = 0.9. */
    static final double BETA1 = 0.0;

    static final double BETA2 = 0.9;
    static final double ADAM_EPSILON = 1e-8;

    /** One training image as the critic sees it (CHW floats at the logits grid). */
    public record Triple(float[] image, float[] student, float[] teacher) implements Serializable {}

    private final JavaSparkContext sc;
    private final RunDirectory run;
    private final SegmentationObjective.Term term;
    private final int labelIndex;
    private final long seed;
    private final int batchSize;
    private HolisticCritic critic;
    private CriticAdam adam;
    private long count = -1;

    public HolisticCriticRounds(
            JavaSparkContext sc, RunDirectory run, SegmentationObjective objective, TrainSettings settings) {
        List<SegmentationObjective.Term> holistic = objective.holisticTerms();
        if (holistic.size() != 1) {
            throw new IllegalArgumentException("expected one holistic distillation term, got " + holistic.size());
        }
        this.sc = sc;
        this.run = run;
        this.term = holistic.get(0);
        this.labelIndex = objective.outputNames().indexOf(term.output());
        this.seed = settings.seed();
        this.batchSize = settings.batchSizePerWorker();
    }

    private HolisticOptions options() {
        return term.term().options(HolisticOptions.class);
    }

    /**
     * Sets the critic up for training from {@code firstEpoch}: a fresh seeded critic for a fresh run,
     * else the critic and Adam state saved before epoch {@code firstEpoch - 1}.
     */
    @Override
    public void start(int firstEpoch) {
        TapInfo s = term.studentTap();
        if (firstEpoch <= 1) {
            critic = new HolisticCritic(
                    s.channels(), options().hidden(), options().kernel(), seed);
            adam = new CriticAdam(critic.numParams(), options().learningRate(), BETA1, BETA2, ADAM_EPSILON);
            return;
        }
        JsonNode n = RoundState.read(run, sc.hadoopConfiguration(), STATE_FOLDER, firstEpoch - 1, "the critic");
        critic = HolisticCritic.of(
                n.path("classes").asInt(),
                n.path("hidden").asInt(),
                n.path("kernel").asInt(),
                RoundState.doubles(n.path("params")));
        adam = RoundState.adam(n);
    }

    @Override
    public Map<String, Double> beforeEpoch(int epoch, ComputationGraph net, EpochData<?> data) {
        if (critic == null) throw new IllegalStateException("start() was not called");
        long started = System.nanoTime();
        List<Triple> pool = studentMaps(net, data, epoch);
        CriticData d = criticData(pool, term.term().tau(), term.studentTap());
        HolisticOptions o = options();
        int steps = o.criticSteps() + (epoch == 1 ? o.warmupSteps() : 0);
        Random rng = new Random(seed * 1_000_003L + epoch);
        double lossSum = 0;
        for (int step = 0; step < steps; step++) {
            List<double[]> real = new ArrayList<>(), fake = new ArrayList<>(), images = new ArrayList<>();
            double[] eps = new double[Math.min(o.criticBatch(), d.real.size())];
            for (int i = 0; i < eps.length; i++) {
                int k = rng.nextInt(d.real.size());
                real.add(d.real.get(k));
                fake.add(d.fake.get(k));
                images.add(d.images.get(k));
                eps[i] = rng.nextDouble();
            }
            HolisticCritic.Step st = critic.step(real, fake, images, d.height, d.width, o.gradientPenalty(), eps);
            critic = critic.withParams(adam.update(critic.params(), st.gradient()));
            lossSum += st.loss();
        }
        OutputLosses.replace(
                net,
                term.output(),
                OutputLosses.get(net, term.output(), HolisticLoss.class).withCritic(critic));
        saveState(epoch);
        Map<String, Double> out = new LinkedHashMap<>();
        double real = 0, fake = 0;
        for (int i = 0; i < d.real.size(); i++) {
            real += critic.score(d.real.get(i), d.images.get(i), d.height, d.width);
            fake += critic.score(d.fake.get(i), d.images.get(i), d.height, d.width);
        }
        out.put("critic_steps", (double) steps);
        out.put("critic_loss", steps == 0 ? Double.NaN : lossSum / steps);
        out.put("wasserstein", (real - fake) / d.real.size());
        out.put("student_term", -term.term().weight() * fake / d.real.size());
        out.put("images", (double) d.real.size());
        out.put("seconds", (System.nanoTime() - started) / 1e9);
        return out;
    }

    @Override
    public String describe(Map<String, Double> r) {
        return String.format(
                "critic: W=%.4f loss=%.4f (%.0f steps, %.1f s)",
                r.get("wasserstein"), r.get("critic_loss"), r.get("critic_steps"), r.get("seconds"));
    }

    /** The round's triples: a seeded sample of the epoch's examples through the current student, on the executors. */
    private List<Triple> studentMaps(ComputationGraph net, EpochData<?> data, int epoch) {
        int wanted = options().criticImages();
        if (count < 0) count = data.count();
        if (count == 0) throw new IllegalArgumentException("holistic distillation: no training examples");
        // Oversample a little so a seeded Bernoulli sample rarely falls short of the wanted count.
        double fraction = Math.min(1.0, 1.5 * wanted / count + 4.0 / count);
        Broadcast<byte[]> model = sc.broadcast(ModelFiles.bytes(net));
        String vertex = term.studentTap().vertexName();
        int index = labelIndex;
        int batch = Math.max(1, batchSize);
        // Sampled as records, so only the sampled examples are built (an online teacher runs on those only).
        List<Triple> all = data.sample(fraction, seed * 7919L + epoch)
                .mapPartitions((Iterator<MultiDataSet> it) ->
                        forward(ModelFiles.fromBytes(model.value()), it, vertex, index, batch))
                .collect();
        model.destroy();
        return all.size() > wanted ? all.subList(0, wanted) : all;
    }

    static Iterator<Triple> forward(
            ComputationGraph net, Iterator<MultiDataSet> examples, String vertex, int labelIndex, int batch) {
        List<Triple> out = new ArrayList<>();
        List<MultiDataSet> chunk = new ArrayList<>();
        while (examples.hasNext()) {
            chunk.add(examples.next());
            if (chunk.size() == batch || !examples.hasNext()) {
                MultiDataSet mds = org.nd4j.linalg.dataset.MultiDataSet.merge(chunk);
                INDArray logits =
                        net.feedForward(mds.getFeatures(), false).get(vertex).castTo(DataType.FLOAT);
                INDArray labels = mds.getLabels(labelIndex).castTo(DataType.FLOAT);
                long per = logits.length() / logits.size(0);
                int imageColumns = (int) (labels.size(1) - per);
                for (int i = 0; i < logits.size(0); i++) {
                    float[] row = labels.getRow(i).toFloatVector();
                    out.add(new Triple(
                            Arrays.copyOfRange(row, 0, imageColumns),
                            logits.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i))
                                    .dup('c')
                                    .reshape(per)
                                    .toFloatVector(),
                            Arrays.copyOfRange(row, imageColumns, row.length)));
                }
                chunk.clear();
            }
        }
        return out.iterator();
    }

    /** The round's triples as probabilities (real = teacher, fake = student) and conditioning images. */
    record CriticData(List<double[]> real, List<double[]> fake, List<double[]> images, int height, int width) {}

    static CriticData criticData(List<Triple> pool, double tau, TapInfo tap) {
        int p = tap.height() * tap.width();
        List<double[]> real = new ArrayList<>(), fake = new ArrayList<>(), images = new ArrayList<>();
        for (Triple t : pool) {
            real.add(HolisticLoss.softmax(toDouble(t.teacher()), tap.channels(), p, tau));
            fake.add(HolisticLoss.softmax(toDouble(t.student()), tap.channels(), p, tau));
            images.add(toDouble(t.image()));
        }
        return new CriticData(real, fake, images, tap.height(), tap.width());
    }

    private void saveState(int epoch) {
        ObjectNode n = RoundState.create();
        n.put("epoch", epoch)
                .put("output", term.output())
                .put("classes", critic.classes())
                .put("hidden", critic.hidden())
                .put("kernel", critic.kernel());
        RoundState.putDoubles(n, "params", critic.params());
        RoundState.putAdam(n, adam);
        RoundState.write(run, STATE_FOLDER, epoch, n);
    }

    /** The critic trained most recently (the one installed in the network). */
    public HolisticCritic critic() {
        return critic;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
