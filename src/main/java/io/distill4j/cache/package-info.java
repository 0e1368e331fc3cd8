/**
 * The teacher-output cache without Spark: its Parquet rows and files (written per shard file and
 * committed by rename), the teacher fingerprint, teacher inference in minibatches, the per-executor
 * teacher pool and DL4J model files on any Hadoop file system.
 */
package io.distill4j.cache;
