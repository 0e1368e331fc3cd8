package io.distill4j.jobs;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.DistillTerm;
import io.distill4j.eval.report.TaskReport;
import io.distill4j.eval.report.TaskReports;
import io.distill4j.manifest.ModelFacts;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.train.EpochValidator;
import io.distill4j.train.TrainingObjective;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Everything the stages do differently for one dense-prediction task: which shards call for it,
 * which teacher and student it builds and which objective trains them, what the model manifests
 * record, which outputs inference needs, and how evaluate scores and reports a model. A task is
 * stateless; what a run varies comes in as arguments ({@link Shape} holds what it reads from the
 * shards). Adding a task is one class implementing this and one line in {@link VisionTasks#ALL}.
 *
 * <p>{@link io.distill4j.model.Task} is the task in the layers below the jobs (its recorded name,
 * model builder and output heads; model specs and the tasks a distillation method supports); this
 * interface is where the stages' behaviour per task lives, so no job branches on the task itself.
 */
interface VisionTask {

    /** The task in the layers below the jobs. */
    Task task();

    /**
     * The task as manifests, cache footers, ONNX metadata and metrics.json write it
     * ({@code segmentation}, {@code detection}).
     */
    default String id() {
        return task().id();
    }

    /** The shards' {@code dataset} (their manifest's field) that calls for this task. */
    String dataset();

    /**
     * What the task reads from the shards, once on the driver.
     *
     * @param height      the shards' image height
     * @param width       the shards' image width
     * @param categoryIds the COCO category id of each heatmap channel (detection); null where the
     *                    task has a fixed class list
     */
    record Shape(int height, int width, int[] categoryIds) {}

    /** The shape of the shards for this task (detection reads and checks the manifest's categories). */
    Shape shape(Shards shards);

    /** Class names in channel order, as the cache footers record them for other tools. */
    List<String> classNames(Shards shards);

    /** The teacher's blueprint, without pretrained initialisation. */
    ModelBlueprint teacher(Distill4jConfig config, Shape shape);

    /** The student's blueprint, without pretrained initialisation. */
    ModelBlueprint student(Distill4jConfig config, Shape shape);

    /** The number of classes (output channels of the class head) the models of these shards have. */
    int classes(Distill4jConfig config, Shape shape);

    /** The supervised objective of the teacher. */
    TrainingObjective teacherObjective(ModelBlueprint teacher, Shape shape);

    /**
     * The student's objective with the configured terms.
     *
     * @param teacherNet  the teacher, for CrossKD; may be null when no term grafts it
     * @param teacherTaps the taps of the teacher's blueprint
     */
    TrainingObjective studentObjective(
            ModelBlueprint student,
            Shape shape,
            Map<String, TapInfo> teacherOutputs,
            List<DistillTerm> terms,
            ComputationGraph teacherNet,
            Map<String, TapInfo> teacherTaps);

    /** The task fields of a model manifest (docs/manifests.md). */
    ModelFacts facts(ModelBlueprint model, Shape shape);

    /** The model outputs (vertex names, ONNX output names) inference and evaluation need. */
    List<String> heads();

    /** What this task's report and comparison page show ({@link TaskReports#of} finds it by {@link #id()}). */
    TaskReport report();

    /**
     * How the comparison table reads this task's metrics.json: its two headline numbers and the
     * rules they follow.
     */
    Headline headline();

    /**
     * The two numbers of a metrics.json the comparison table shows.
     *
     * @param rules the rules the numbers follow, named in the table's caption
     */
    record Headline(String primaryKey, String primaryName, String secondaryKey, String secondaryName, String rules) {}

    /**
     * Scores and reports a model on {@code evaluate.split}: metrics.json, the task's own files and
     * pictures under the model's report directory.
     *
     * @param teacher the teacher's evaluation, whose predictions on the same samples are drawn
     *                beside this model's (null for the teacher itself)
     */
    EvaluateJob.Evaluated evaluate(
            JavaSparkContext sc,
            Distill4jConfig config,
            PrintStream console,
            Shards shards,
            EvaluateJob.Model model,
            EvaluateJob.Evaluated teacher);

    /**
     * The validation score of {@code train.validate-every}: the task's headline metric of a model
     * shipped to the executors, with no report.
     */
    EpochValidator.Score validate(
            JavaSparkContext sc, Distill4jConfig config, Shards shards, ExecutorModel executor, ComputationGraph net);
}
