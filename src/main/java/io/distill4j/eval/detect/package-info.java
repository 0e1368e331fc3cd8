/**
 * CenterNet-style dense detection heads on plain arrays: decoding a heatmap + box-regression output
 * into COCO detections, and the inverse, encoding boxes into training targets.
 */
package io.distill4j.eval.detect;
