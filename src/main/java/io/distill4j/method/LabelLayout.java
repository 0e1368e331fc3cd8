package io.distill4j.method;

/**
 * What one distillation output's label row holds for a sample, in order. The example builders
 * ({@code train.Examples}, {@code train.DetectionExamples}) assemble each layout the same way for
 * every method that declares it.
 */
public enum LabelLayout {
    /** The teacher's map at the teacher tap, CHW flattened. */
    TEACHER,
    /** The teacher's map, then the per-pixel valid mask (label not 255) at the teacher tap's grid. */
    TEACHER_AND_VALID_MASK,
    /** The teacher's map, then the ground-truth centre mask of the detection targets. */
    TEACHER_AND_CENTRE_MASK,
    /** The normalised image averaged to the logits grid (the critic's condition), then the teacher's map. */
    IMAGE_AND_TEACHER,
    /** The per-pixel valid mask at the logits grid (no teacher: a peer student plays its part). */
    VALID_MASK,
    /** One number naming the image, so contrastive losses pair the views of one image. */
    IMAGE_ID
}
