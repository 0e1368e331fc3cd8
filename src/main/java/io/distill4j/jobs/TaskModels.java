package io.distill4j.jobs;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.DistillTerm;
import io.distill4j.config.ModelSettings;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.ModelFacts;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.PretrainedBackbone;
import io.distill4j.model.TapInfo;
import io.distill4j.storage.HadoopConf;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import io.distill4j.train.TrainingObjective;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The models of the training stages for the shards at hand: their {@link VisionTask} (from the
 * shards' dataset) bound to the configuration and the shards' shape, plus what every task shares:
 * pretrained initialisation from {@code model.*.init} and the check that a teacher was trained for
 * the shards' task.
 */
final class TaskModels {
    private final VisionTask task;
    private final Distill4jConfig config;
    private final VisionTask.Shape shape;
    private final HadoopConf hadoop;

    private TaskModels(VisionTask task, Distill4jConfig config, VisionTask.Shape shape, HadoopConf hadoop) {
        this.task = task;
        this.config = config;
        this.shape = shape;
        this.hadoop = hadoop;
    }

    static TaskModels of(Distill4jConfig config, Shards shards, String stage) {
        VisionTask task = VisionTasks.of(shards, stage);
        return new TaskModels(task, config, task.shape(shards), HadoopConf.of(shards.hadoopConfiguration()));
    }

    /** The same task and configuration for networks whose input is {@code height x width} (training on crops). */
    TaskModels atInputSize(int height, int width) {
        return new TaskModels(task, config, new VisionTask.Shape(height, width, shape.categoryIds()), hadoop);
    }

    /** The task the shards call for. */
    VisionTask task() {
        return task;
    }

    /** The task as manifests, footers and ONNX metadata record it ({@code segmentation} | {@code detection}). */
    String id() {
        return task.id();
    }

    /** Segmentation classes, or detection categories (heatmap channels). */
    int classes() {
        return task.classes(config, shape);
    }

    /** The teacher's blueprint; a fresh teacher loads {@code model.teacher.init} when set. */
    ModelBlueprint teacher() {
        return withInit(task.teacher(config, shape), config.model().teacher());
    }

    /** The student's blueprint; a fresh student loads {@code model.student.init} when set. */
    ModelBlueprint student() {
        return withInit(task.student(config, shape), config.model().student());
    }

    private ModelBlueprint withInit(ModelBlueprint bp, ModelSettings.Net net) {
        return net.init()
                .map(location -> bp.withPretrainedBackbone(new PretrainedBackbone(location, hadoop)))
                .orElse(bp);
    }

    /** The supervised objective of the teacher. */
    TrainingObjective teacherObjective(ModelBlueprint teacher) {
        return task.teacherObjective(teacher, shape);
    }

    /**
     * The student's objective with the configured terms.
     *
     * @param teacherNet the teacher, for CrossKD; may be null when no term grafts it
     */
    TrainingObjective studentObjective(
            ModelBlueprint student,
            Map<String, TapInfo> teacherOutputs,
            List<DistillTerm> terms,
            ComputationGraph teacherNet) {
        return task.studentObjective(
                student, shape, teacherOutputs, terms, teacherNet, teacher().taps());
    }

    /**
     * The task fields of a model manifest: {@code task} (segmentation | detection), {@code dataset},
     * {@code num_classes}, {@code output_stride}, and for detection the output vertices
     * ({@code heatmap_vertex}, {@code reg_vertex}) and {@code categories} (index -> COCO id).
     */
    ModelFacts facts(ModelBlueprint model) {
        return task.facts(model, shape);
    }

    /**
     * Refuses a teacher whose manifest says it was trained for another task (a teacher.zip placed
     * there by hand has no manifest and is taken as is).
     */
    void requireTeacherTask(FileSystem fs, Path teacherDir) {
        try {
            if (!Manifest.exists(fs, teacherDir)) return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String recordedTask = Manifests.readModel(fs, teacherDir).task();
        String recorded = recordedTask == null ? VisionTasks.unrecorded().id() : recordedTask;
        if (!recorded.equals(task.id())) {
            throw new StageOutputException("teacher.dir: the teacher at " + teacherDir + " was trained for " + recorded
                    + " but the shards hold " + task.dataset() + " (" + task.id()
                    + "); train a teacher on these shards");
        }
    }
}
