/**
 * Training on Spark: the task objectives behind {@link io.distill4j.train.TrainingObjective}
 * (segmentation, CenterNet detection: graph outputs and the labels each expects), the one-example
 * MultiDataSets built from shards and teacher outputs, the parameter-averaging trainer,
 * run directories with checkpoints and metrics, and resume.
 */
package io.distill4j.train;
