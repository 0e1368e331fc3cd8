/**
 * The standalone {@code cityscapes-eval} command: per-class IoU and mIoU of labelId prediction
 * PNGs (the official submission format) against a gtFine split, by the Cityscapes rules; and the
 * conversion of a model's trainId predictions into that format.
 */
package io.distill4j.eval.cityscapes;
