/**
 * Benchmark mains that measure the Spark stages against their bare computations, the input side
 * against the train step, thread settings against each other, and where the train step's time
 * goes, and DL4J against its PyTorch peer (PeerBench), each in one run, printing ratios (README,
 * "Benchmarks"; docs/performance.md). Not tests: timings are reported, never asserted.
 */
package io.distill4j.bench;
