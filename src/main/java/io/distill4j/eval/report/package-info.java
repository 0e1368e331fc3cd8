/**
 * A run's {@code report/} directory: metrics.json, per-class tables (CSV, HTML), PNG pictures
 * (enlarged label overlays, teacher-student agreement, detection boxes; Java2D) and curves
 * (JFreeChart), and an index.html; plus the comparison page across models. Pure file writing: the
 * jobs hand it numbers and pixels, so it is tested without Spark and the pages need no Python.
 */
package io.distill4j.eval.report;
