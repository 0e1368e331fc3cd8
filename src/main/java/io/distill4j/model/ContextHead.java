package io.distill4j.model;

/** What sits between the encoder's last stage and the {@code neck} tap. */
public enum ContextHead {
    /**
     * PSPNet-style pyramid pooling: average pools to 1x1, 2x2 and 4x4 bins, a 1x1 conv each,
     * nearest upsampling back, concatenated with the stage output, then a 3x3 conv.
     * Needs the stage-3 grid divisible by 4.
     */
    PYRAMID_POOLING,
    /** A single 3x3 conv-BN-ReLU (cheap: for students). */
    NONE
}
