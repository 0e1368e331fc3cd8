package io.distill4j.train;

import java.util.Map;

/**
 * What one epoch of Spark training did; written as one line of {@code metrics.jsonl}.
 *
 * @param score          DL4J's averaged training score over the epoch's minibatches (all terms, weighted)
 * @param terms          each loss term's score on the fixed probe batch after the epoch
 * @param averagingMs    time the driver spent aggregating and averaging parameters
 * @param iterations     the workers' per-minibatch lines (JSON), in time order
 * @param beforeEpoch    what the driver-side step before the fit reported (the holistic critic's round), or empty
 * @param probeSeconds   time the probe's scoring took on the driver after the epoch (0 without a probe)
 */
public record EpochMetrics(
        int epoch,
        double score,
        Map<String, Double> terms,
        long examples,
        double seconds,
        double examplesPerSecond,
        long averagingMs,
        java.util.List<String> iterations,
        Map<String, Double> beforeEpoch,
        double probeSeconds) {}
