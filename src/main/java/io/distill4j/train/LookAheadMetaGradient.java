package io.distill4j.train;

import io.distill4j.distill.MutualContrastiveLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The meta-gradient of L-MCL's anchor weights on one minibatch, by a one-step look-ahead
 * (Meta-Weight-Net, Shu et al. 2019; as L-MCL, Yang et al. TPAMI 2023). With L_total(theta, alpha) =
 * L_task(theta) + sum_{k,n} alpha[k,n] r_k[n](theta) (r: {@link MutualContrastiveLoss#anchorLosses}):
 * <pre>
 *   theta' = theta - eta grad_theta L_total(theta, alpha)                     (virtual plain-SGD step)
 *   dL_task(theta')/dalpha[k,n] = -eta g' . grad_theta r_k[n](theta),          g' = grad_theta L_task(theta')
 *   g' . grad r_k[n] ~= [ r_k[n](theta + h g') - r_k[n](theta - h g') ] / (2h)  (two forward passes, all k, n)
 *   dL_task(theta')/dphi_k = sum_n dL_task/dalpha[k,n] dalpha[k,n]/dphi_k     ({@link io.distill4j.distill.AnchorWeights})
 * </pre>
 * alpha enters L_total linearly, so only first derivatives appear. "grad r" is the gradient the
 * network follows, in which the soft contrastive terms' targets are constants; so the probe
 * evaluates r with those targets held at theta ({@link MutualContrastiveLoss#anchorLosses(INDArray,
 * INDArray, INDArray)}), else its difference would include the targets' motion that training ignores. L_task is the sum of the task
 * outputs (student and peer); its gradient comes from a copy of the network whose contrastive
 * losses have weight 0. Every pass is in training mode (BatchNorm batch statistics), as the
 * network trains. DL4J's {@code gradient()} is d(N L)/dtheta for a minibatch of N rows (the sum
 * form of {@link io.distill4j.model.loss.DenseLossFunction}), so it is divided by N here.
 * BatchNorm's running statistics are parameters to DL4J but take no part in a training-mode pass;
 * their "gradient" entries (running-average updates) are zeroed so theta' and g' hold only
 * trainable directions.
 *
 * <p>Cost per minibatch: two forward-backward passes and three forward passes of the network,
 * plus two copies of it. Works on copies: the network passed in is not modified.
 */
public final class LookAheadMetaGradient {
    /**
     * Length of the finite-difference step h g' in parameter space (DARTS's 0.01 / ||g'||): large
     * enough that float32 parameters of size ~0.1..1 resolve it (relative change ~1e-2 / sqrt(P) per
     * coordinate, far above float's 6e-8) and the difference of r is far above its float rounding,
     * small enough that the second-order term of the central difference stays a few percent
     * (measured in LookAheadMetaGradientTest against brute-force look-ahead differences).
     */
    static final double PROBE_RADIUS = 0.01;

    /**
     * The meta step's outcome on one minibatch.
     *
     * @param gradients     per meta-weighted output, dL_task(theta')/d(Wq, Wk), flat like AnchorWeights.params()
     * @param meanAlpha     per meta-weighted output, the mean alpha over the minibatch's anchors (at theta)
     * @param lookAheadTask L_task(theta'), the task loss after the virtual step
     */
    public record Result(Map<String, double[]> gradients, Map<String, Double> meanAlpha, double lookAheadTask) {}

    private final List<String> outputs;
    private final double virtualLearningRate;
    private final double probeRadius;

    /**
     * @param outputs             the meta-weighted MCL outputs (their losses carry anchor weights)
     * @param virtualLearningRate eta of the virtual step
     */
    public LookAheadMetaGradient(List<String> outputs, double virtualLearningRate) {
        this(outputs, virtualLearningRate, PROBE_RADIUS);
    }

    /** As above with another length of the finite-difference step (tests measure its truncation). */
    LookAheadMetaGradient(List<String> outputs, double virtualLearningRate, double probeRadius) {
        if (outputs.isEmpty()) throw new IllegalArgumentException("no meta-weighted outputs");
        if (!(virtualLearningRate > 0) || Double.isInfinite(virtualLearningRate)) {
            throw new IllegalArgumentException(
                    "virtualLearningRate must be a finite number above 0, cannot be: " + virtualLearningRate);
        }
        this.outputs = List.copyOf(outputs);
        this.virtualLearningRate = virtualLearningRate;
        this.probeRadius = probeRadius;
    }

    /** The meta-gradient at the network's parameters and anchor weights (both left unchanged). */
    public Result compute(ComputationGraph net, MultiDataSet batch) {
        double rows = batch.getFeatures(0).size(0);
        ComputationGraph total = net.clone();
        INDArray theta = total.params().dup();
        INDArray g = trainableGradient(total, batch).divi(rows);

        Map<String, MutualContrastiveLoss> losses = new LinkedHashMap<>();
        Map<String, INDArray> merged = new LinkedHashMap<>();
        Map<String, INDArray> labels = new LinkedHashMap<>();
        Map<String, INDArray> atTheta = total.feedForward(batch.getFeatures(), true, false);
        List<String> netOutputs = net.getConfiguration().getNetworkOutputs();
        for (String k : outputs) {
            MutualContrastiveLoss loss = OutputLosses.get(net, k, MutualContrastiveLoss.class);
            if (loss.anchorWeights() == null)
                throw new IllegalArgumentException("output " + k + " has uniform anchor weights");
            losses.put(k, loss);
            merged.put(
                    k, atTheta.get(SegmentationObjective.MCL_MERGE_PREFIX + k).dup());
            labels.put(k, batch.getLabels(netOutputs.indexOf(k)));
        }

        ComputationGraph task = taskOnly(net);
        task.setParams(theta.sub(g.mul(virtualLearningRate)));
        INDArray gPrime = trainableGradient(task, batch).divi(rows);
        double lookAheadTask = task.score();
        double norm = gPrime.norm2Number().doubleValue();

        Map<String, double[]> gradients = new LinkedHashMap<>();
        Map<String, Double> meanAlpha = new LinkedHashMap<>();
        Map<String, double[]> plus = norm > 0
                ? anchorLossesAt(task, theta.add(gPrime.mul(probeRadius / norm)), batch, losses, labels, merged)
                : null;
        Map<String, double[]> minus = norm > 0
                ? anchorLossesAt(task, theta.sub(gPrime.mul(probeRadius / norm)), batch, losses, labels, merged)
                : null;
        double h = norm > 0 ? probeRadius / norm : 0;
        for (String k : outputs) {
            MutualContrastiveLoss loss = losses.get(k);
            double[] alpha = loss.anchorAlpha(merged.get(k));
            double[] dLdAlpha = new double[alpha.length];
            for (int n = 0; n < alpha.length && norm > 0; n++) {
                dLdAlpha[n] = -virtualLearningRate * (plus.get(k)[n] - minus.get(k)[n]) / (2 * h);
            }
            gradients.put(k, loss.anchorWeightGradient(merged.get(k), dLdAlpha));
            meanAlpha.put(k, java.util.Arrays.stream(alpha).average().orElse(Double.NaN));
        }
        return new Result(gradients, meanAlpha, lookAheadTask);
    }

    private Map<String, double[]> anchorLossesAt(
            ComputationGraph net,
            INDArray params,
            MultiDataSet batch,
            Map<String, MutualContrastiveLoss> losses,
            Map<String, INDArray> labels,
            Map<String, INDArray> merged) {
        net.setParams(params);
        Map<String, INDArray> act = net.feedForward(batch.getFeatures(), true, false);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String k : outputs) {
            out.put(
                    k,
                    losses.get(k)
                            .anchorLosses(
                                    labels.get(k), act.get(SegmentationObjective.MCL_MERGE_PREFIX + k), merged.get(k)));
        }
        return out;
    }

    /**
     * d(N L)/dtheta of the network's whole objective on the batch, training mode, with BatchNorm's
     * running-statistic entries zeroed (a fresh array).
     */
    static INDArray trainableGradient(ComputationGraph net, MultiDataSet batch) {
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.computeGradientAndScore();
        Gradient gradient = net.gradient();
        for (Layer layer : net.getLayers()) {
            if (!(layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization)) continue;
            for (String p : List.of(
                    BatchNormalizationParamInitializer.GLOBAL_MEAN,
                    BatchNormalizationParamInitializer.GLOBAL_VAR,
                    BatchNormalizationParamInitializer.GLOBAL_LOG_STD)) {
                // Entries of gradientForVariable() are views into the flat gradient.
                INDArray view = gradient.getGradientFor(layer.conf().getLayer().getLayerName() + "_" + p);
                if (view != null) view.assign(0);
            }
        }
        return gradient.gradient().dup();
    }

    /** A copy of the network whose contrastive outputs contribute nothing: its objective is L_task. */
    static ComputationGraph taskOnly(ComputationGraph net) {
        ComputationGraph task = net.clone();
        for (String o : task.getConfiguration().getNetworkOutputs()) {
            if (OutputLosses.is(task, o, MutualContrastiveLoss.class)) {
                MutualContrastiveLoss l = OutputLosses.get(task, o, MutualContrastiveLoss.class);
                OutputLosses.replace(task, o, new MutualContrastiveLoss(l.getEmbedding(), l.getTau(), 0, 0, 0, 0));
            }
        }
        return task;
    }
}
