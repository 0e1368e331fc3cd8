package io.distill4j.train;

import io.distill4j.config.DistillTerm;
import io.distill4j.data.ShardRecord;
import io.distill4j.method.DistillMethod;
import io.distill4j.method.GraphWiring;
import io.distill4j.method.LabelLayout;
import io.distill4j.method.PlannedOutput;
import io.distill4j.method.TermPlanning;
import io.distill4j.model.CrossHeadGrafter;
import io.distill4j.model.DetectionModel;
import io.distill4j.model.GraftedHead;
import io.distill4j.model.GraphHeads;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.model.loss.CenterNetFocalLoss;
import io.distill4j.model.loss.MaskedL1Loss;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The training objective of a CenterNet-style detector ({@link DetectionModel}): three task
 * outputs with CenterNet's default weights, focal loss on the class heatmap (1), masked L1 on the
 * box size (0.1) and on the centre offset (1), the last two read from the {@code reg} tap's
 * channels 0-1 and 2-3; then one output per distillation term, wired by the term's
 * {@link DistillMethod}. The methods whose {@link DistillMethod#tasks()} include detection make
 * sense on a detector: {@code pixel-kd} on the heatmap (sigmoid KD, since every class is an
 * independent sigmoid), {@code cwd} on the heatmap or a feature tap, {@code at} and
 * {@code pairwise} on feature taps, and {@code crosskd} from a student head tap through the
 * teacher's frozen heatmap (sigmoid KD) or reg branch (L1 at ground-truth centres).
 */
public final class DetectionObjective implements TrainingObjective {
    public static final String HEATMAP_OUTPUT = "task_heatmap";
    public static final String SIZE_OUTPUT = "task_size";
    public static final String OFFSET_OUTPUT = "task_offset";
    /** CenterNet's loss weights (hm_weight, wh_weight, off_weight). */
    public static final double HEATMAP_WEIGHT = 1.0;

    public static final double SIZE_WEIGHT = 0.1;
    public static final double OFFSET_WEIGHT = 1.0;
    private static final long serialVersionUID = 1L;

    /**
     * One distillation output.
     *
     * @param centreMasked whether the labels carry the ground-truth centre mask after the teacher
     *                     map (CrossKD on the regression branch)
     */
    public record Term(String output, DistillTerm term, TapInfo studentTap, TapInfo teacherTap, boolean centreMasked)
            implements Serializable {}

    private final TapInfo heatmap;
    private final TapInfo reg;
    private final int stride;
    private final int[] categoryIds;
    private final List<Term> terms;
    private final transient ModelBlueprint blueprint;
    private final transient ComputationGraph teacher;
    private final transient Map<String, TapInfo> teacherTaps;
    /** CrossKD grafts by student tap, filled by {@link #configuration()}. */
    private final transient Map<String, GraftedHead> grafts = new LinkedHashMap<>();

    private DetectionObjective(
            ModelBlueprint blueprint,
            int[] categoryIds,
            List<Term> terms,
            ComputationGraph teacher,
            Map<String, TapInfo> teacherTaps) {
        this.blueprint = blueprint;
        this.heatmap = blueprint.tap("heatmap");
        this.reg = blueprint.tap("reg");
        this.stride = blueprint.spec().outputStride();
        this.categoryIds = categoryIds.clone();
        this.terms = List.copyOf(terms);
        this.teacher = teacher;
        this.teacherTaps = teacherTaps;
    }

    /** The supervised objective alone (teacher training, baseline student). */
    public static DetectionObjective of(ModelBlueprint model, int[] categoryIds) {
        return of(model, categoryIds, Map.of(), List.of(), null, Map.of());
    }

    /**
     * @param categoryIds    the COCO category id of each heatmap channel (the shard manifest's order)
     * @param teacherOutputs shapes of the teacher outputs available (from the cache manifest or the teacher)
     * @param teacher        the teacher network, needed by CrossKD terms only; may be null otherwise
     * @param teacherTaps    the teacher's taps (from its blueprint), for CrossKD
     */
    public static DetectionObjective of(
            ModelBlueprint student,
            int[] categoryIds,
            Map<String, TapInfo> teacherOutputs,
            List<DistillTerm> dts,
            ComputationGraph teacher,
            Map<String, TapInfo> teacherTaps) {
        if (student.spec().task() != Task.DETECTION) {
            throw new IllegalArgumentException("model '" + student.spec().name() + "' is a "
                    + student.spec().task() + " model; the detection objective needs a detection blueprint");
        }
        if (student.spec().numClasses() != categoryIds.length) {
            throw new IllegalArgumentException("model '" + student.spec().name() + "' has "
                    + student.spec().numClasses() + " heatmap channels but the shards have " + categoryIds.length
                    + " categories");
        }
        TermPlanning planning =
                new TermPlanning(Task.DETECTION, student, teacherOutputs, teacher != null, "distill.terms: term ");
        List<Term> terms = new ArrayList<>();
        for (DistillTerm t : dts) {
            if (t.weight() == 0) continue;
            DistillMethod method = t.kind().method();
            if (!method.tasks().contains(Task.DETECTION)) {
                throw new IllegalArgumentException(
                        planning.where(t) + ": " + t.kind().id() + " is wired for segmentation "
                                + "students only; a detector takes "
                                + String.join(
                                        ", ",
                                        java.util.Arrays.stream(DistillTerm.Kind.values())
                                                .filter(k -> k.method().tasks().contains(Task.DETECTION))
                                                .map(DistillTerm.Kind::id)
                                                .toList()));
            }
            for (PlannedOutput p : method.plan(planning, t)) {
                TapInfo te = p.teacher();
                terms.add(new Term(
                        uniqueName(terms, p.name()),
                        t.withTaps(p.studentTap(), p.teacherOutput(), p.weight()),
                        p.student(),
                        te,
                        method.labels(Task.DETECTION, te) == LabelLayout.TEACHER_AND_CENTRE_MASK));
            }
            planning.planned(method);
        }
        return new DetectionObjective(student, categoryIds, terms, teacher, teacherTaps);
    }

    @Override
    public Task task() {
        return Task.DETECTION;
    }

    private static String uniqueName(List<Term> existing, String name) {
        return TrainingObjective.uniqueOutputName(
                existing.stream().map(Term::output).toList(), name);
    }

    public List<Term> terms() {
        return terms;
    }

    /** The class-heatmap logits tap: K channels at the output grid. */
    public TapInfo heatmap() {
        return heatmap;
    }

    /** The output stride at which the targets are encoded. */
    public int stride() {
        return stride;
    }

    /** The COCO category id of each heatmap channel. */
    public int[] categoryIds() {
        return categoryIds.clone();
    }

    @Override
    public List<String> outputNames() {
        List<String> names = new ArrayList<>(taskOutputNames());
        for (Term t : terms) names.add(t.output);
        return names;
    }

    private static List<String> taskOutputNames() {
        return List.of(HEATMAP_OUTPUT, SIZE_OUTPUT, OFFSET_OUTPUT);
    }

    @Override
    public boolean hasPeer() {
        return false;
    }

    @Override
    public Map<String, DistillTerm> distillationOutputs() {
        Map<String, DistillTerm> out = new LinkedHashMap<>();
        for (Term t : terms) out.put(t.output, t.term);
        return out;
    }

    @Override
    public List<String> teacherOutputsNeeded() {
        return List.copyOf(
                new LinkedHashSet<>(terms.stream().map(t -> t.teacherTap.name()).toList()));
    }

    @Override
    public ComputationGraphConfiguration configuration() {
        GraphBuilder g = blueprint.graphBuilder();
        addTaskOutputs(g);
        grafts.clear();
        GraphWiring wiring = new GraphWiring(g, Task.DETECTION, "", teacher, teacherTaps, grafts);
        for (Term t : terms) t.term.kind().method().wire(wiring, t.output, t.term, t.studentTap, t.teacherTap);
        // An unused branch of a CrossKD graft is pruned.
        return GraphHeads.pruneToOutputs(g.setOutputs(outputNames().toArray(new String[0])))
                .build();
    }

    /**
     * Heatmap focal loss, and size / offset L1 on subsets of the reg channels. DL4J M2's
     * SubsetVertex infers its CNN output type with {@code from - to + 1} channels (0 here, hence an
     * InputType warning at build time); harmless because only a parameter-free LossLayer with an
     * explicit preprocessor follows it, and the forward pass itself slices the right channels.
     */
    private void addTaskOutputs(GraphBuilder g) {
        int h = heatmap.height();
        int w = heatmap.width();
        GraphHeads.addLossOutput(
                g, HEATMAP_OUTPUT, heatmap, new CenterNetFocalLoss(heatmap.channels(), h, w, 2.0, 4.0, HEATMAP_WEIGHT));
        g.addVertex("reg_size", new SubsetVertex(0, 1), reg.vertexName());
        GraphHeads.addLossOutput(
                g, SIZE_OUTPUT, new TapInfo("reg_size", "reg_size", 2, h, w), new MaskedL1Loss(2, h, w, SIZE_WEIGHT));
        g.addVertex("reg_offset", new SubsetVertex(2, 3), reg.vertexName());
        GraphHeads.addLossOutput(
                g,
                OFFSET_OUTPUT,
                new TapInfo("reg_offset", "reg_offset", 2, h, w),
                new MaskedL1Loss(2, h, w, OFFSET_WEIGHT));
    }

    @Override
    public void initialize(ComputationGraph net) {
        blueprint.initialize(net);
        for (GraftedHead head : grafts.values()) CrossHeadGrafter.copyTeacherParameters(net, teacher, head);
    }

    @Override
    public ComputationGraphConfiguration studentOnlyConfiguration() {
        GraphBuilder g = blueprint.graphBuilder();
        addTaskOutputs(g);
        return GraphHeads.pruneToOutputs(g.setOutputs(taskOutputNames().toArray(new String[0])))
                .build();
    }

    @Override
    public MultiDataSet example(ShardRecord record, Map<String, float[]> teacher) {
        return DetectionExamples.build(record, this, teacher);
    }
}
