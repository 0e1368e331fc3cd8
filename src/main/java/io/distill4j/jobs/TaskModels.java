package io.distill4j.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.DistillTerm;
import io.distill4j.config.ModelSettings;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.ModelFacts;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.PretrainedBackbone;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.storage.HadoopConf;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import io.distill4j.train.DetectionObjective;
import io.distill4j.train.Networks;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.train.TrainingObjective;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The task dispatch of the training stages: from the shards' dataset, which teacher and student
 * blueprints to build and which objective trains them (segmentation on Cityscapes, CenterNet
 * detection on COCO), and the task fields every model manifest records so later stages can tell.
 */
final class TaskModels {
    private final Task task;
    private final Distill4jConfig config;
    private final int height;
    private final int width;
    /** COCO category id per heatmap channel; null for segmentation. */
    private final int[] categoryIds;

    private final String dataset;
    private final HadoopConf hadoop;

    private TaskModels(
            Task task,
            Distill4jConfig config,
            int height,
            int width,
            int[] categoryIds,
            String dataset,
            HadoopConf hadoop) {
        this.task = task;
        this.config = config;
        this.height = height;
        this.width = width;
        this.categoryIds = categoryIds;
        this.dataset = dataset;
        this.hadoop = hadoop;
    }

    static TaskModels of(Distill4jConfig config, Shards shards, String stage) {
        Task task = shards.task(stage);
        return new TaskModels(
                task,
                config,
                shards.height(),
                shards.width(),
                task == Task.DETECTION ? shards.categoryIds() : null,
                shards.dataset(),
                HadoopConf.of(shards.hadoopConfiguration()));
    }

    Task task() {
        return task;
    }

    /** Segmentation classes, or detection categories (heatmap channels). */
    int classes() {
        return task == Task.DETECTION ? categoryIds.length : teacher().spec().numClasses();
    }

    /** The teacher's blueprint; a fresh teacher loads {@code model.teacher.init} when set. */
    ModelBlueprint teacher() {
        ModelBlueprint bp = task == Task.DETECTION
                ? Networks.detectionTeacher(config, categoryIds.length, height, width)
                : Networks.teacher(config, height, width);
        return withInit(bp, config.model().teacher());
    }

    /** The student's blueprint; a fresh student loads {@code model.student.init} when set. */
    ModelBlueprint student() {
        ModelBlueprint bp = task == Task.DETECTION
                ? Networks.detectionStudent(config, categoryIds.length, height, width)
                : Networks.student(config, height, width);
        return withInit(bp, config.model().student());
    }

    private ModelBlueprint withInit(ModelBlueprint bp, ModelSettings.Net net) {
        return net.init()
                .map(location -> bp.withPretrainedBackbone(new PretrainedBackbone(location, hadoop)))
                .orElse(bp);
    }

    /** The supervised objective of the teacher. */
    TrainingObjective teacherObjective(ModelBlueprint teacher) {
        return task == Task.DETECTION
                ? DetectionObjective.of(teacher, categoryIds)
                : SegmentationObjective.of(teacher, Map.of(), List.of());
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
        Map<String, TapInfo> teacherTaps = teacher().taps();
        return task == Task.DETECTION
                ? DetectionObjective.of(student, categoryIds, teacherOutputs, terms, teacherNet, teacherTaps)
                : SegmentationObjective.of(student, teacherOutputs, terms, teacherNet, teacherTaps);
    }

    /**
     * The task fields of a model manifest: {@code task} (segmentation | detection), {@code dataset},
     * {@code num_classes}, {@code output_stride}, and for detection the output vertices
     * ({@code heatmap_vertex}, {@code reg_vertex}) and {@code categories} (index -> COCO id).
     */
    ModelFacts facts(ModelBlueprint model) {
        if (task != Task.DETECTION) {
            return new ModelFacts(
                    id(task), dataset, model.spec().numClasses(), model.spec().outputStride(), null, null, null);
        }
        ArrayNode cats = Manifest.JSON.createArrayNode();
        for (int i = 0; i < categoryIds.length; i++)
            cats.addObject().put("index", i).put("id", categoryIds[i]);
        return new ModelFacts(
                id(task),
                dataset,
                model.spec().numClasses(),
                model.spec().outputStride(),
                model.tap("heatmap").vertexName(),
                model.tap("reg").vertexName(),
                cats);
    }

    static String id(Task task) {
        return task.name().toLowerCase(Locale.ROOT);
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
        String recorded = recordedTask == null ? id(Task.SEGMENTATION) : recordedTask;
        if (!recorded.equals(id(task))) {
            throw new StageOutputException("teacher.dir: the teacher at " + teacherDir + " was trained for " + recorded
                    + " but the shards hold " + dataset + " (" + id(task) + "); train a teacher on these shards");
        }
    }
}
