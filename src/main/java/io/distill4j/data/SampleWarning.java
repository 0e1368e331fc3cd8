package io.distill4j.data;

import java.io.Serializable;

/**
 * A sample that was sharded but looks like a mistake in the dataset (e.g. label ids outside the
 * label table): counted and listed in the shard manifest, printed as one console line.
 */
public record SampleWarning(String sampleId, String file, String detail) implements Serializable {}
