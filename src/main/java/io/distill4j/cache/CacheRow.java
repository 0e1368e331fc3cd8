package io.distill4j.cache;

import io.distill4j.tensor.EncodedTensor;

/**
 * One row of the teacher cache: one teacher output (logits or a feature tap) of one sample, in one
 * view, encoded by a codec of {@code io.distill4j.tensor}. docs/data-formats.md documents the columns.
 *
 * @param view    the input view the teacher saw, e.g. "crop=0,0,64,128;flip=0"
 */
public record CacheRow(String sampleId, String output, String view, EncodedTensor tensor) {}
