/**
 * Pure evaluation logic, free of Spark and ND4J: the segmentation confusion matrix
 * ({@link io.distill4j.eval.SegmentationMetrics}) and the metrics JSON contract shared by every
 * evaluator. Sub-packages hold the COCO evaluator, the Cityscapes command, dense-detector
 * decoding and the report writer.
 */
package io.distill4j.eval;
