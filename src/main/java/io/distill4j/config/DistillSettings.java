package io.distill4j.config;

import com.typesafe.config.Config;
import java.util.List;

/**
 * One distill run: where it writes, where the teacher comes from, and its terms.
 *
 * @param exportOnnx also write student.onnx beside student.zip (distill4j.distill.export-onnx)
 * @param transformTeacherViews with train.augment on, the cached full-image teacher maps are
 *                   resampled with each example's view (distill4j.distill.teacher-views = transform)
 */
public record DistillSettings(
        String runsDir,
        String runId,
        boolean onlineTeacher,
        boolean skipMissingTeacher,
        boolean resume,
        List<DistillTerm> terms,
        boolean exportOnnx,
        boolean transformTeacherViews) {
    /** A run that writes no ONNX file (export-onnx = false). */
    public DistillSettings(
            String runsDir,
            String runId,
            boolean onlineTeacher,
            boolean skipMissingTeacher,
            boolean resume,
            List<DistillTerm> terms) {
        this(runsDir, runId, onlineTeacher, skipMissingTeacher, resume, terms, false, false);
    }

    static DistillSettings from(Keys k, Config root) {
        String runId = k.nonEmpty("run-id");
        if (!runId.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException(
                    "distill4j.distill.run-id: letters, digits, '.', '_' and '-' only, got '" + runId + "'");
        }
        return new DistillSettings(
                k.nonEmpty("runs-dir"),
                runId,
                k.oneOf("teacher-mode", "cached", "online").equals("online"),
                k.oneOf("on-missing-teacher", "fail", "skip").equals("skip"),
                k.bool("resume"),
                DistillTerm.list(root, "distill4j.distill.terms"),
                k.bool("export-onnx"),
                k.oneOf("teacher-views", "exact", "transform").equals("transform"));
    }

    public DistillSettings withRun(String id, List<DistillTerm> t) {
        return new DistillSettings(
                runsDir, id, onlineTeacher, skipMissingTeacher, resume, t, exportOnnx, transformTeacherViews);
    }
}
