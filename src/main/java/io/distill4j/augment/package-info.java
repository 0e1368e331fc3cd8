/**
 * Training-time geometric augmentation: a {@link io.distill4j.augment.View} (crop box in shard
 * pixels, output size, flip) drawn deterministically per (seed, epoch, sample), and its application
 * to an image (bilinear), a label map (nearest), detection boxes and teacher maps at a stride.
 * Pure and Spark-free; docs/augmentation.md describes the geometry and its limits.
 */
package io.distill4j.augment;
