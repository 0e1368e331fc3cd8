package io.distill4j.method;

/**
 * Training a method needs on the driver between the student's Spark epochs, built by
 * {@code train.BetweenEpochRounds}. A run holds at most one kind of round.
 */
public enum DriverRound {
    NONE,
    /** The Wasserstein critic of holistic distillation ({@code train.HolisticCriticRounds}). */
    CRITIC,
    /** The meta-learned anchor weights of layer-wise MCL ({@code train.MetaWeightRounds}). */
    META_WEIGHTS
}
