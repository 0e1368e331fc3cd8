package io.distill4j.distill;

import io.distill4j.model.loss.DenseLossFunction;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonInclude;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Mutual contrastive learning (Yang et al., AAAI 2022 / TPAMI 2023) between two networks a and b
 * trained together in one graph. The output is both networks' projections concatenated,
 * [z_a | z_b] as [N, 2*D]; each row is L2-normalised here, v = z / ||z||, so the gradient
 * includes the normalisation. With s_xy(i, j) = v_x(i) . v_y(j) / tau:
 * <pre>
 *   InfoNCE over candidates C(i), positives P(i) (a subset of C(i)):
 *     l(i) = -(1/|P(i)|) sum_{p in P(i)} log( exp s(i,p) / sum_{k in C(i)} exp s(i,k) )
 *   vanilla (VCL), network x:      s_xx, C(i) = batch without i,  P(i) = other views of image i
 *   interactive (ICL), x against y: s_xy, C(i) = whole batch of y, P(i) = rows of y showing image i (i itself too)
 *   soft VCL for x: KL(p_yy(i) || p_xx(i)), soft ICL for x: KL(p_yx(i) || p_xy(i)),
 *     p_xy(i) = softmax over C(i) of s_xy(i, .), the first argument a detached target
 *   L = vanillaWeight  * [VCL_a + VCL_b]        + interactiveWeight     * [ICL_ab + ICL_ba]
 *     + softVanillaWeight * [sVCL_a + sVCL_b] + softInteractiveWeight * [sICL_a + sICL_b]
 * </pre>
 * Each term is a mean over its anchors; an anchor with no positive in the minibatch (its other view
 * fell into another minibatch) is left out of that mean. Rows showing the same image are told apart
 * by the labels: [N, 1] image ids (rows with equal ids are views of one image), or [N, 0] when
 * every row is its own image (then VCL has no positives and is 0, ICL is the classic one-positive
 * InfoNCE with the other network's embedding of the same image as the positive).
 *
 * <p>The hard terms are differentiated exactly (both networks learn from them); a soft term treats
 * its target distribution as a constant, so its gradient is deliberately not the score's
 * derivative (as in mutual learning, see {@link MutualKdLoss}).
 *
 * <p>Meta-learned anchor weights (L-MCL's layer matching, docs/methods-mcl.md): with
 * {@link AnchorWeights} set, every term's row of anchor n is multiplied by alpha(n) =
 * sigmoid((Wq v_a(n)) . (Wk v_b(n))), L = sum_n alpha(n) r(n) with r(n) the anchor's row summed over
 * the terms ({@link #anchorLosses}). alpha is a constant in the gradient (detached): it is trained by
 * the driver's look-ahead meta step (io.distill4j.train.MetaWeightRounds), not by the network's
 * backward pass. Without them the loss is exactly the uniform one (alpha = 1).
 */
public final class MutualContrastiveLoss extends DenseLossFunction {
    /** Norms below this are clamped when normalising, so an all-zero projection yields no NaN. */
    private static final double MIN_NORM = 1e-12;

    @JsonProperty("embedding")
    private final int embedding;

    @JsonProperty("tau")
    private final double tau;

    @JsonProperty("vanillaWeight")
    private final double vanillaWeight;

    @JsonProperty("interactiveWeight")
    private final double interactiveWeight;

    @JsonProperty("softVanillaWeight")
    private final double softVanillaWeight;

    @JsonProperty("softInteractiveWeight")
    private final double softInteractiveWeight;
    /** Wq then Wk of the anchor weights, or null for uniform weights (absent from older JSON). */
    @JsonProperty("anchorWeights")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private final double[] anchorWeights;

    /** Uniform anchor weights (alpha = 1). */
    public MutualContrastiveLoss(
            int embedding,
            double tau,
            double vanillaWeight,
            double interactiveWeight,
            double softVanillaWeight,
            double softInteractiveWeight) {
        this(embedding, tau, vanillaWeight, interactiveWeight, softVanillaWeight, softInteractiveWeight, null);
    }

    /** @param anchorWeights Wq then Wk of {@link AnchorWeights} for this embedding, or null for uniform weights */
    @JsonCreator
    public MutualContrastiveLoss(
            @JsonProperty("embedding") int embedding,
            @JsonProperty("tau") double tau,
            @JsonProperty("vanillaWeight") double vanillaWeight,
            @JsonProperty("interactiveWeight") double interactiveWeight,
            @JsonProperty("softVanillaWeight") double softVanillaWeight,
            @JsonProperty("softInteractiveWeight") double softInteractiveWeight,
            @JsonProperty("anchorWeights") double[] anchorWeights) {
        if (anchorWeights != null) new AnchorWeights(embedding, anchorWeights); // checks length and finiteness
        this.anchorWeights = anchorWeights == null ? null : anchorWeights.clone();
        this.embedding = positive("embedding", embedding);
        this.tau = positive("tau", tau);
        this.vanillaWeight = weight(vanillaWeight);
        this.interactiveWeight = weight(interactiveWeight);
        this.softVanillaWeight = weight(softVanillaWeight);
        this.softInteractiveWeight = weight(softInteractiveWeight);
    }

    /** All four terms with one weight: the MCL objective as the paper sums it. */
    public static MutualContrastiveLoss all(int embedding, double tau, double weight) {
        return new MutualContrastiveLoss(embedding, tau, weight, weight, weight, weight);
    }

    /** The same loss with these anchor weights (null: uniform). */
    public MutualContrastiveLoss withAnchorWeights(AnchorWeights weights) {
        if (weights != null && weights.embedding() != embedding) {
            throw new IllegalArgumentException(
                    "anchor weights for embedding " + weights.embedding() + " on a loss of embedding " + embedding);
        }
        return new MutualContrastiveLoss(
                embedding,
                tau,
                vanillaWeight,
                interactiveWeight,
                softVanillaWeight,
                softInteractiveWeight,
                weights == null ? null : weights.params());
    }

    /** The meta-learned anchor weights, or null when they are uniform. */
    public AnchorWeights anchorWeights() {
        return anchorWeights == null ? null : new AnchorWeights(embedding, anchorWeights);
    }

    /** dL/dS for one similarity matrix plus the per-anchor loss it came from. */
    private record Contrast(INDArray perAnchor, INDArray dS) {
        Contrast scaled(double w) {
            return new Contrast(perAnchor.mul(w), dS.mul(w));
        }
    }

    /** Every term's per-anchor rows summed (mean form, before any anchor weight) and their dL/dS. */
    private record Contrasts(
            INDArray perAnchor,
            INDArray dAA,
            INDArray dBB,
            INDArray dAB,
            INDArray dBA,
            INDArray va,
            INDArray vb,
            INDArray normA,
            INDArray normB) {}

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
        int n = (int) output.size(0);
        Contrasts c = contrasts(labels, output, output);
        INDArray perAnchor = c.perAnchor.dup();
        INDArray dAA = c.dAA, dBB = c.dBB, dAB = c.dAB, dBA = c.dBA;
        if (anchorWeights != null) {
            // Row i of every term and of every dS belongs to anchor i alone, so weighting the rows weights the anchors.
            INDArray alpha = Nd4j.createFromArray(anchorWeights().alpha(rows(c.va), rows(c.vb)))
                    .reshape(n, 1)
                    .castTo(output.dataType());
            perAnchor.muliColumnVector(alpha);
            dAA = dAA.mulColumnVector(alpha);
            dBB = dBB.mulColumnVector(alpha);
            dAB = dAB.mulColumnVector(alpha);
            dBA = dBA.mulColumnVector(alpha);
        }
        // DenseLossFunction wants the sum form N * L.
        perAnchor.muli(n);
        if (!withGradient) {
            return new Terms(perAnchor, null);
        }
        INDArray va = c.va, vb = c.vb;
        // s_xy = v_x v_y^T / tau, so dL/dv_x = dS_xy v_y / tau and dL/dv_y = dS_xy^T v_x / tau.
        INDArray dVa = dAA.add(dAA.transpose())
                .mmul(va)
                .addi(dAB.mmul(vb))
                .addi(dBA.transpose().mmul(vb))
                .muli(n / tau);
        INDArray dVb = dBB.add(dBB.transpose())
                .mmul(vb)
                .addi(dBA.mmul(va))
                .addi(dAB.transpose().mmul(va))
                .muli(n / tau);
        return new Terms(
                perAnchor, Nd4j.hstack(throughNormalisation(dVa, va, c.normA), throughNormalisation(dVb, vb, c.normB)));
    }

    /**
     * r(n): anchor n's row summed over the weighted terms, in mean form (sum_n r(n) is the uniform
     * loss L), before any anchor weight. The weighted loss is sum_n alpha(n) r(n).
     */
    public double[] anchorLosses(INDArray labels, INDArray output) {
        return anchorLosses(labels, output, output);
    }

    /**
     * r(n) as above with the soft terms' target distributions taken from {@code targets} instead:
     * the function whose derivative in {@code output} is the gradient this loss returns (soft
     * targets detached), so a finite difference of it along a parameter direction, with targets
     * held, is that gradient's directional derivative.
     */
    public double[] anchorLosses(INDArray labels, INDArray output, INDArray targets) {
        requireColumns(targets, "soft targets' projections", "[N, 2*D] ([a | b])", 2L * embedding);
        INDArray perAnchor =
                contrasts(labels.castTo(output.dataType()), output, targets.castTo(output.dataType())).perAnchor;
        return perAnchor.castTo(DataType.DOUBLE).reshape(output.size(0)).toDoubleVector();
    }

    /** alpha(n) per anchor of the output [z_a | z_b], or all ones for uniform weights. */
    public double[] anchorAlpha(INDArray output) {
        requireColumns(output, "both networks' projections", "[N, 2*D] ([a | b])", 2L * embedding);
        if (anchorWeights == null) {
            double[] ones = new double[(int) output.size(0)];
            Arrays.fill(ones, 1.0);
            return ones;
        }
        return anchorWeights()
                .alpha(rows(unit(columns(output, 0, embedding))), rows(unit(columns(output, embedding, embedding))));
    }

    /**
     * d(sum_n dLdAlpha[n] alpha(n)) / d(Wq, Wk) at the output [z_a | z_b], flat like
     * {@link AnchorWeights#params()}: how the meta step moves the anchor weights.
     */
    public double[] anchorWeightGradient(INDArray output, double[] dLdAlpha) {
        if (anchorWeights == null) throw new IllegalStateException(this + " has uniform anchor weights");
        requireColumns(output, "both networks' projections", "[N, 2*D] ([a | b])", 2L * embedding);
        return anchorWeights()
                .gradient(
                        rows(unit(columns(output, 0, embedding))),
                        rows(unit(columns(output, embedding, embedding))),
                        dLdAlpha);
    }

    private static INDArray unit(INDArray z) {
        return z.divColumnVector(Transforms.max(z.norm2(true, 1), MIN_NORM));
    }

    private static double[][] rows(INDArray v) {
        return v.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private Contrasts contrasts(INDArray labels, INDArray output, INDArray targets) {
        int n = (int) output.size(0);
        requireColumns(output, "both networks' projections", "[N, 2*D] ([a | b])", 2L * embedding);
        requireColumns(labels, "labels", "[N, 1] image id per row, or [N, 0] for one view per image", 0, 1);
        INDArray za = columns(output, 0, embedding);
        INDArray zb = columns(output, embedding, embedding);
        INDArray normA = Transforms.max(za.norm2(true, 1), MIN_NORM);
        INDArray normB = Transforms.max(zb.norm2(true, 1), MIN_NORM);
        INDArray va = za.divColumnVector(normA);
        INDArray vb = zb.divColumnVector(normB);
        INDArray sameImage = sameImage(labels, n, output);
        INDArray all = Nd4j.ones(output.dataType(), n, n);
        INDArray notSelf = all.sub(Nd4j.eye(n).castTo(output.dataType()));
        INDArray sAA = va.mmul(va.transpose()).divi(tau);
        INDArray sBB = vb.mmul(vb.transpose()).divi(tau);
        INDArray sAB = va.mmul(vb.transpose()).divi(tau);
        INDArray sBA = sAB.transpose().dup('c');
        // The soft terms' targets are constants of the gradient; anchorLosses may hold them elsewhere.
        INDArray tAA = sAA, tBB = sBB, tAB = sAB, tBA = sBA;
        if (targets != output) {
            INDArray ta = unit(columns(targets, 0, embedding));
            INDArray tb = unit(columns(targets, embedding, embedding));
            tAA = ta.mmul(ta.transpose()).divi(tau);
            tBB = tb.mmul(tb.transpose()).divi(tau);
            tAB = ta.mmul(tb.transpose()).divi(tau);
            tBA = tAB.transpose().dup('c');
        }

        INDArray perAnchor = Nd4j.zeros(output.dataType(), n, 1);
        INDArray dAA = Nd4j.zeros(output.dataType(), n, n);
        INDArray dBB = dAA.dup();
        INDArray dAB = dAA.dup();
        INDArray dBA = dAA.dup();
        if (n >= 2 && vanillaWeight > 0) {
            // Within one network the anchor itself is no candidate; its other views are the positives.
            INDArray positives = sameImage.mul(notSelf);
            accumulate(infoNce(sAA, notSelf, positives).scaled(vanillaWeight), perAnchor, dAA);
            accumulate(infoNce(sBB, notSelf, positives).scaled(vanillaWeight), perAnchor, dBB);
        }
        if (interactiveWeight > 0) {
            accumulate(infoNce(sAB, all, sameImage).scaled(interactiveWeight), perAnchor, dAB);
            accumulate(infoNce(sBA, all, sameImage).scaled(interactiveWeight), perAnchor, dBA);
        }
        if (n >= 2 && softVanillaWeight > 0) {
            accumulate(softKl(sAA, tBB, notSelf).scaled(softVanillaWeight), perAnchor, dAA);
            accumulate(softKl(sBB, tAA, notSelf).scaled(softVanillaWeight), perAnchor, dBB);
        }
        if (softInteractiveWeight > 0) {
            accumulate(softKl(sAB, tBA, all).scaled(softInteractiveWeight), perAnchor, dAB);
            accumulate(softKl(sBA, tAB, all).scaled(softInteractiveWeight), perAnchor, dBA);
        }
        return new Contrasts(perAnchor, dAA, dBB, dAB, dBA, va, vb, normA, normB);
    }

    private static void accumulate(Contrast c, INDArray perAnchor, INDArray dS) {
        perAnchor.addi(c.perAnchor);
        dS.addi(c.dS);
    }

    /** Backprop through v = z / ||z||: dL/dz = (g - v (v . g)) / ||z||. */
    private static INDArray throughNormalisation(INDArray g, INDArray v, INDArray norm) {
        INDArray along = g.mul(v).sum(true, 1);
        return g.sub(v.mulColumnVector(along)).diviColumnVector(norm);
    }

    /** [N, N] 1 where rows i and j show the same image (the diagonal always), else 0. */
    private static INDArray sameImage(INDArray labels, int n, INDArray like) {
        if (labels.size(1) == 0) {
            return Nd4j.eye(n).castTo(like.dataType());
        }
        double[][] same = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                // Ids are integers stored as floats; a half-unit tolerance survives any float codec.
                same[i][j] = Math.abs(labels.getDouble(i, 0) - labels.getDouble(j, 0)) < 0.5 ? 1 : 0;
            }
        }
        return Nd4j.createFromArray(same).castTo(like.dataType());
    }

    /** Log-softmax of each row of s over the 0/1 candidate mask (entries outside it are meaningless). */
    private static INDArray logSoftmax(INDArray s, INDArray candidates) {
        INDArray shifted = s.subColumnVector(s.max(true, 1));
        INDArray sum = Transforms.exp(shifted, true).muli(candidates).sum(true, 1);
        return shifted.subColumnVector(Transforms.log(sum, false));
    }

    /**
     * Multi-positive InfoNCE averaged over the anchors that have a positive, and its gradient with
     * respect to s: (softmax over candidates - P(i)/|P(i)|) / anchors.
     */
    private static Contrast infoNce(INDArray s, INDArray candidates, INDArray positives) {
        INDArray logP = logSoftmax(s, candidates);
        INDArray count = positives.sum(true, 1);
        INDArray hasPositive = count.gt(0.5).castTo(s.dataType());
        double anchors = hasPositive.sumNumber().doubleValue();
        if (anchors == 0) {
            return new Contrast(Nd4j.zeros(s.dataType(), s.size(0), 1), Nd4j.zeros(s.dataType(), s.size(0), s.size(1)));
        }
        INDArray share = hasPositive.div(Transforms.max(count, 1.0));
        INDArray perAnchor = positives.mul(logP).sum(true, 1).muli(share).negi().divi(anchors);
        INDArray softmax = Transforms.exp(logP, true).muli(candidates);
        INDArray dS = softmax.mulColumnVector(hasPositive)
                .subi(positives.mulColumnVector(share))
                .divi(anchors);
        return new Contrast(perAnchor, dS);
    }

    /**
     * KL(target || learner) per anchor, both softmax over the candidates, averaged over anchors;
     * the target is detached, so the gradient with respect to the learner's s is (p_learner - p_target) / N.
     */
    private static Contrast softKl(INDArray learner, INDArray target, INDArray candidates) {
        double anchors = learner.size(0);
        INDArray logL = logSoftmax(learner, candidates);
        INDArray logT = logSoftmax(target, candidates);
        INDArray pT = Transforms.exp(logT, true).muli(candidates);
        INDArray perAnchor = pT.mul(logT.sub(logL)).sum(true, 1).divi(anchors);
        INDArray dS = Transforms.exp(logL, true).muli(candidates).subi(pT).divi(anchors);
        return new Contrast(perAnchor, dS);
    }

    public int getEmbedding() {
        return embedding;
    }

    public double getTau() {
        return tau;
    }

    public double getVanillaWeight() {
        return vanillaWeight;
    }

    public double getInteractiveWeight() {
        return interactiveWeight;
    }

    public double getSoftVanillaWeight() {
        return softVanillaWeight;
    }

    public double getSoftInteractiveWeight() {
        return softInteractiveWeight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MutualContrastiveLoss m
                && embedding == m.embedding
                && tau == m.tau
                && vanillaWeight == m.vanillaWeight
                && interactiveWeight == m.interactiveWeight
                && softVanillaWeight == m.softVanillaWeight
                && softInteractiveWeight == m.softInteractiveWeight
                && Arrays.equals(anchorWeights, m.anchorWeights);
    }

    @Override
    public int hashCode() {
        return 31
                        * Objects.hash(
                                embedding,
                                tau,
                                vanillaWeight,
                                interactiveWeight,
                                softVanillaWeight,
                                softInteractiveWeight)
                + Arrays.hashCode(anchorWeights);
    }

    @Override
    public String toString() {
        return "MutualContrastiveLoss(embedding=" + embedding + ", tau=" + tau + ", vanillaWeight=" + vanillaWeight
                + ", interactiveWeight=" + interactiveWeight + ", softVanillaWeight=" + softVanillaWeight
                + ", softInteractiveWeight=" + softInteractiveWeight
                + (anchorWeights == null ? "" : ", anchorWeights=d" + anchorWeights.length / (2 * embedding)) + ")";
    }
}
