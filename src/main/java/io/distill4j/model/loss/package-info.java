/**
 * Task losses for dense prediction, as stateless DL4J {@code ILossFunction}s that survive the
 * configuration JSON round trip (Spark ships that JSON to executors):
 * {@link io.distill4j.model.loss.SegmentationCrossEntropyLoss} (ignore-aware softmax CE),
 * {@link io.distill4j.model.loss.CenterNetFocalLoss} (heatmaps) and
 * {@link io.distill4j.model.loss.MaskedL1Loss} (box size/offset regression).
 *
 * <p>Every loss here and in {@code io.distill4j.distill} sits on a DL4J {@code LossLayer} with
 * IDENTITY activation behind a {@code CnnToFeedForwardPreProcessor}, so it receives the NCHW map
 * flattened in c order of [C, H, W] per example and reshapes it with its own C, H, W fields.
 * {@link io.distill4j.model.loss.DenseLossFunction} holds that plumbing and DL4J's score/gradient
 * convention; {@link io.distill4j.model.loss.StableMath} the stable log-softmax and log-sigmoid.
 */
package io.distill4j.model.loss;
