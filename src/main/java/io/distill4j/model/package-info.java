/**
 * ComputationGraph builders for the segmentation and detection teachers and students on a chosen
 * backbone ({@link io.distill4j.model.Backbones}: the compact default, torchvision's ResNets and
 * MobileNetV2, whose ONNX weights {@link io.distill4j.model.TorchvisionWeights} loads), their named
 * feature taps (shapes known before training), input normalisation, and the helpers that wire
 * losses, 1x1 adapters and CrossKD's frozen teacher head onto a graph. Builders return a
 * {@link io.distill4j.model.ModelBlueprint}: the body without output layers, which the trainer
 * completes with its own losses. The losses themselves live in {@code io.distill4j.model.loss}.
 */
package io.distill4j.model;
