/**
 * A run's {@code report/} directory: metrics.json, per-class tables (CSV, HTML), PNG pictures
 * (label overlays, teacher-student agreement, detection boxes, loss and metric curves) and an
 * index.html; plus the comparison table across models. Drawn with Java2D because the JVM stack has
 * no plotting library and the pictures must not need Python.
 */
package io.distill4j.eval.report;
