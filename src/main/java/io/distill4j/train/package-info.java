/**
 * Training on Spark: the task objectives behind {@link io.distill4j.train.TrainingObjective}
 * (segmentation, CenterNet detection: graph outputs and the labels each expects), the one-example
 * MultiDataSets built from shards and teacher outputs, the parameter-averaging trainer (each epoch's
 * {@link io.distill4j.train.EpochData} dealt to averaging rounds and workers by
 * {@link io.distill4j.train.EpochRounds}, examples built inside the task that trains them),
 * run directories with checkpoints and metrics, and resume. Teacher-free terms (mutual learning,
 * MCL) train a peer student inside the same graph; MCL examples hold each image and its flip.
 * Holistic distillation's critic is trained on the driver between epochs by
 * {@link io.distill4j.train.HolisticCriticRounds} through {@link io.distill4j.train.SparkTrainer.BetweenEpochs};
 * L-MCL's meta-learned anchor weights likewise by {@link io.distill4j.train.MetaWeightRounds}, whose
 * one-step look-ahead meta-gradient is {@link io.distill4j.train.LookAheadMetaGradient}.
 */
package io.distill4j.train;
