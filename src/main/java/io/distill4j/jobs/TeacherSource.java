package io.distill4j.jobs;

import io.distill4j.cache.ModelFiles;
import io.distill4j.cache.TeacherFingerprint;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.storage.Storage;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The teacher a stage reads, loaded and checked once on the driver: teacher.dir's DL4J graph
 * (leased, its recorded task checked against the shards, read, fingerprinted) or, with
 * teacher.onnx.path, the ONNX file checked against the shards ({@link OnnxTeacher}). The
 * fingerprint includes the shards' preprocessing, as the cache directory and manifests name it.
 *
 * @param graph       the DL4J teacher, or null for an ONNX one
 * @param onnx        the ONNX teacher, or null for a DL4J one
 * @param fingerprint {@link TeacherFingerprint} of the one that is there
 */
record TeacherSource(ComputationGraph graph, OnnxTeacher onnx, String fingerprint) {

    /** The teacher of {@code config}, checked against the shards {@code models} was bound to. */
    static TeacherSource open(
            StageRun stage, Distill4jConfig config, TaskModels models, Shards shards, String preprocessing) {
        if (config.teacher().isOnnx()) {
            OnnxTeacher t = OnnxTeacher.open(
                    stage.sc().hadoopConfiguration(),
                    config.teacher().onnx(),
                    OnnxTeacher.KEY,
                    models,
                    shards,
                    preprocessing);
            return new TeacherSource(null, t, t.fingerprint());
        }
        Path modelFile = new Path(stage.hold(dir(config)), TrainTeacherJob.MODEL_FILE);
        FileSystem fs = stage.fs(modelFile);
        models.requireTeacherTask(fs, modelFile.getParent());
        ComputationGraph teacher = ModelFiles.read(fs, modelFile, false);
        return new TeacherSource(teacher, null, TeacherFingerprint.of(teacher, preprocessing));
    }

    /** teacher.dir, where a DL4J teacher is (and, for either kind, its evaluation report). */
    static Path dir(Distill4jConfig config) {
        return Storage.path(config.teacher().dir());
    }

    /** teacher.dir's model file. */
    static Path modelFile(Distill4jConfig config) {
        return new Path(dir(config), TrainTeacherJob.MODEL_FILE);
    }

    boolean isOnnx() {
        return onnx != null;
    }

    /** What the manifests call the teacher: the ONNX model's source, or the DL4J model file. */
    String source(Distill4jConfig config) {
        return onnx != null ? onnx.spec().source() : modelFile(config).toString();
    }
}
