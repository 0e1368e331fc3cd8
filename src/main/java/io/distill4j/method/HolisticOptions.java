package io.distill4j.method;

import com.typesafe.config.Config;

/**
 * The settings of a {@code holistic} distillation term (Liu et al. CVPR 2019): the Wasserstein
 * critic's size and how it is trained between the student's Spark epochs.
 *
 * @param criticSteps     critic Adam steps before each student epoch
 * @param warmupSteps     extra critic steps before the first epoch (the critic starts untrained)
 * @param criticBatch     (image, teacher map, student map) triples per critic step
 * @param criticImages    training images whose student maps are computed on the executors per round;
 *                        the round's steps draw their minibatches from them
 * @param learningRate    the critic's Adam learning rate (beta1 0, beta2 0.9 as in WGAN-GP)
 * @param gradientPenalty the penalty weight lambda of WGAN-GP
 * @param hidden          channels of the critic's hidden convolution
 * @param kernel          size of that convolution (odd)
 */
public record HolisticOptions(
        int criticSteps,
        int warmupSteps,
        int criticBatch,
        int criticImages,
        double learningRate,
        double gradientPenalty,
        int hidden,
        int kernel)
        implements MethodOptions {
    /** WGAN-GP's lambda = 10 and learning rate 1e-4; a small critic for per-epoch alternation. */
    public static final HolisticOptions DEFAULTS = new HolisticOptions(25, 100, 8, 64, 1e-4, 10.0, 32, 3);

    /** The keys a holistic term may carry besides the common ones. */
    static final java.util.Set<String> KEYS = java.util.Set.of(
            "critic-steps",
            "critic-warmup-steps",
            "critic-batch",
            "critic-images",
            "critic-learning-rate",
            "gradient-penalty",
            "critic-hidden",
            "critic-kernel");

    /** Reads the optional holistic keys of a term object, each defaulting to {@link #DEFAULTS}. */
    static HolisticOptions read(Config o, String where) {
        HolisticOptions d = DEFAULTS;
        int steps = OptionReads.atLeast(o, where, "critic-steps", d.criticSteps, 0);
        int warmup = OptionReads.atLeast(o, where, "critic-warmup-steps", d.warmupSteps, 0);
        int batch = OptionReads.atLeast(o, where, "critic-batch", d.criticBatch, 1);
        int images = OptionReads.atLeast(o, where, "critic-images", d.criticImages, 1);
        int hidden = OptionReads.atLeast(o, where, "critic-hidden", d.hidden, 1);
        int kernel = OptionReads.atLeast(o, where, "critic-kernel", d.kernel, 1);
        if (kernel % 2 == 0) throw new IllegalArgumentException(where + ".critic-kernel: must be odd, got " + kernel);
        if (steps + warmup == 0) {
            throw new IllegalArgumentException(where + ".critic-steps: the critic would never train (critic-steps and "
                    + "critic-warmup-steps are both 0)");
        }
        double lr = OptionReads.positive(o, where, "critic-learning-rate", d.learningRate);
        double gp = o.hasPath("gradient-penalty") ? o.getDouble("gradient-penalty") : d.gradientPenalty;
        if (!(gp >= 0) || Double.isInfinite(gp)) {
            throw new IllegalArgumentException(where + ".gradient-penalty: must be a finite number >= 0, got " + gp);
        }
        return new HolisticOptions(steps, warmup, batch, images, lr, gp, hidden, kernel);
    }
}
