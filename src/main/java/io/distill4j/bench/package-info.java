/**
 * Benchmark mains that measure the Spark stages against their bare computations in one run and
 * print ratios (README, "Benchmarks"). Not tests: timings are reported, never asserted.
 */
package io.distill4j.bench;
