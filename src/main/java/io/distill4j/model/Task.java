package io.distill4j.model;

/** The dense-prediction task a model is built for. */
public enum Task {
    /** Per-pixel class logits at the output stride. */
    SEGMENTATION,
    /** CenterNet-style dense heads: class heatmap logits and box regression at the output stride. */
    DETECTION
}
