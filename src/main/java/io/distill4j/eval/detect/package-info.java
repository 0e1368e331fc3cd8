/**
 * CenterNet-style dense detection heads on plain arrays: decoding a heatmap + box-regression output
 * into COCO detections, the inverse (encoding boxes into training targets), a detector's classes
 * (heatmap channel to COCO category id), and the mapping between shard and original image pixels.
 */
package io.distill4j.eval.detect;
