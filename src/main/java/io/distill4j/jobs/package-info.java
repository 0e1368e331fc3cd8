/**
 * The Spark jobs, thin glue around the pure packages: {@link io.distill4j.jobs.ShardJob},
 * {@link io.distill4j.jobs.TrainTeacherJob}, {@link io.distill4j.jobs.CacheTeacherJob},
 * {@link io.distill4j.jobs.DistillJob}, {@link io.distill4j.jobs.EvaluateJob}, the session set-up
 * ({@link io.distill4j.jobs.SparkSessions}, Kryo registrator, the
 * {@link io.distill4j.jobs.NativeThreadsPlugin} that sets ND4J's threads in every task), the predictors
 * evaluate runs on the executors ({@link io.distill4j.jobs.SegmentationPredictor},
 * {@link io.distill4j.jobs.DetectionPredictor}) and the comparison report. Each job
 * runs its Spark work under a job group that names the stage, so the Spark UI reads like the pipeline.
 * The plumbing the stages share is {@link io.distill4j.jobs.StageRun} (claims and leases, job group
 * set and restored, the complete/--overwrite rule, the one commit path) and
 * {@link io.distill4j.jobs.TeacherSource} (the teacher loaded and checked once).
 */
package io.distill4j.jobs;
