package io.distill4j.distill;

import io.distill4j.model.loss.DenseLossFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

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

    @JsonCreator
    public MutualContrastiveLoss(@JsonProperty("embedding") int embedding, @JsonProperty("tau") double tau,
                                 @JsonProperty("vanillaWeight") double vanillaWeight,
                                 @JsonProperty("interactiveWeight") double interactiveWeight,
                                 @JsonProperty("softVanillaWeight") double softVanillaWeight,
                                 @JsonProperty("softInteractiveWeight") double softInteractiveWeight) {
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

    /** dL/dS for one similarity matrix plus the per-anchor loss it came from. */
    private record Contrast(INDArray perAnchor, INDArray dS) {
        Contrast scaled(double w) {
            return new Contrast(perAnchor.mul(w), dS.mul(w));
        }
    }

    @Override
    protected Terms evaluate(INDArray labels, INDArray output, boolean withGradient) {
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
            accumulate(softKl(sAA, sBB, notSelf).scaled(softVanillaWeight), perAnchor, dAA);
            accumulate(softKl(sBB, sAA, notSelf).scaled(softVanillaWeight), perAnchor, dBB);
        }
        if (softInteractiveWeight > 0) {
            accumulate(softKl(sAB, sBA, all).scaled(softInteractiveWeight), perAnchor, dAB);
            accumulate(softKl(sBA, sAB, all).scaled(softInteractiveWeight), perAnchor, dBA);
        }
        // DenseLossFunction wants the sum form N * L.
        perAnchor.muli(n);
        if (!withGradient) {
            return new Terms(perAnchor, null);
        }
        // s_xy = v_x v_y^T / tau, so dL/dv_x = dS_xy v_y / tau and dL/dv_y = dS_xy^T v_x / tau.
        INDArray dVa = dAA.add(dAA.transpose()).mmul(va).addi(dAB.mmul(vb)).addi(dBA.transpose().mmul(vb)).muli(n / tau);
        INDArray dVb = dBB.add(dBB.transpose()).mmul(vb).addi(dBA.mmul(va)).addi(dAB.transpose().mmul(va)).muli(n / tau);
        return new Terms(perAnchor, Nd4j.hstack(throughNormalisation(dVa, va, normA), throughNormalisation(dVb, vb, normB)));
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
        INDArray dS = softmax.mulColumnVector(hasPositive).subi(positives.mulColumnVector(share)).divi(anchors);
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
        return o instanceof MutualContrastiveLoss m && embedding == m.embedding && tau == m.tau
                && vanillaWeight == m.vanillaWeight && interactiveWeight == m.interactiveWeight
                && softVanillaWeight == m.softVanillaWeight && softInteractiveWeight == m.softInteractiveWeight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(embedding, tau, vanillaWeight, interactiveWeight, softVanillaWeight, softInteractiveWeight);
    }

    @Override
    public String toString() {
        return "MutualContrastiveLoss(embedding=" + embedding + ", tau=" + tau + ", vanillaWeight=" + vanillaWeight
                + ", interactiveWeight=" + interactiveWeight + ", softVanillaWeight=" + softVanillaWeight
                + ", softInteractiveWeight=" + softInteractiveWeight + ")";
    }
}
