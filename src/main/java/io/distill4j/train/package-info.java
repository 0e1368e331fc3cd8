/**
 * Training on Spark: the segmentation objective (graph outputs and the labels each expects), the
 * one-example MultiDataSets built from shards and teacher outputs, the parameter-averaging trainer,
 * run directories with checkpoints and metrics, and resume.
 */
package io.distill4j.train;
