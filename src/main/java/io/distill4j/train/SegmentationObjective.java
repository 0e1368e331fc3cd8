package io.distill4j.train;

import io.distill4j.config.DistillTerm;
import io.distill4j.method.DistillMethod;
import io.distill4j.method.DriverRound;
import io.distill4j.method.GraphWiring;
import io.distill4j.method.LabelLayout;
import io.distill4j.method.MutualContrastive;
import io.distill4j.method.PlannedOutput;
import io.distill4j.method.TermPlanning;
import io.distill4j.model.CrossHeadGrafter;
import io.distill4j.model.GraftedHead;
import io.distill4j.model.GraphHeads;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.model.loss.SegmentationCrossEntropyLoss;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The training objective of a segmentation network: the task output (cross-entropy, ignore 255)
 * plus the outputs of each distillation term, planned and wired by the term's
 * {@link DistillMethod}. It also knows which labels each output expects, so the data pipeline and
 * the graph cannot disagree. With no terms it is the baseline. Teacher-free methods (mutual
 * learning, MCL, L-MCL) put a peer student, its vertices prefixed {@value #PEER_PREFIX}, into the
 * same graph with its own task output.
 */
public final class SegmentationObjective implements TrainingObjective {
    public static final String TASK_OUTPUT = "task";
    /** Vertex-name prefix of the peer student of a mutual-learning term. */
    public static final String PEER_PREFIX = "peer_";
    /** Size of the MCL projection heads' embeddings (the paper's 128). */
    public static final int MCL_EMBEDDING = MutualContrastive.EMBEDDING;

    private static final long serialVersionUID = 1L;
    /** Standard deviation of the meta-learned anchor weights' initial Wq, Wk. */
    public static final double INITIAL_META_STD = MutualContrastive.INITIAL_META_STD;
    /** Vertex-name prefix of the merged [z_a | z_b] projections feeding an MCL output. */
    public static final String MCL_MERGE_PREFIX = MutualContrastive.MERGE_PREFIX;

    /** One distillation output: the term, the student tap it reads, the teacher output it matches. */
    public record Term(String output, DistillTerm term, TapInfo studentTap, TapInfo teacherTap)
            implements Serializable {
        public DistillMethod method() {
            return term.kind().method();
        }

        /** What this output's labels hold. */
        public LabelLayout labels() {
            return method().labels(Task.SEGMENTATION, teacherTap);
        }
    }

    private final TapInfo logits;
    private final List<Term> terms;
    private final transient ModelBlueprint blueprint;
    /** The teacher and its taps, for CrossKD terms (driver side only). */
    private final transient ComputationGraph teacher;

    private final transient Map<String, TapInfo> teacherTaps;
    private final transient Map<String, GraftedHead> grafts = new java.util.LinkedHashMap<>();

    private SegmentationObjective(
            ModelBlueprint blueprint,
            TapInfo logits,
            List<Term> terms,
            ComputationGraph teacher,
            Map<String, TapInfo> teacherTaps) {
        this.blueprint = blueprint;
        this.logits = logits;
        this.terms = List.copyOf(terms);
        this.teacher = teacher;
        this.teacherTaps = teacherTaps;
    }

    /**
     * @param teacherOutputs shapes of the teacher outputs available (from the cache manifest or the teacher)
     */
    public static SegmentationObjective of(
            ModelBlueprint student, Map<String, TapInfo> teacherOutputs, List<DistillTerm> dts) {
        return of(student, teacherOutputs, dts, null, Map.of());
    }

    /**
     * @param teacher     the teacher network, needed by CrossKD terms (its head is grafted); may be null otherwise
     * @param teacherTaps the teacher's taps (from its blueprint)
     */
    public static SegmentationObjective of(
            ModelBlueprint student,
            Map<String, TapInfo> teacherOutputs,
            List<DistillTerm> dts,
            ComputationGraph teacher,
            Map<String, TapInfo> teacherTaps) {
        TermPlanning planning =
                new TermPlanning(Task.SEGMENTATION, student, teacherOutputs, teacher != null, "distillation term ");
        List<Term> terms = new ArrayList<>();
        for (DistillTerm t : dts) {
            if (t.weight() == 0) continue;
            DistillMethod method = t.kind().method();
            if (!method.tasks().contains(Task.SEGMENTATION)) {
                throw new IllegalArgumentException(
                        planning.where(t) + ": " + t.kind().id() + " is not wired for segmentation");
            }
            for (PlannedOutput p : method.plan(planning, t)) {
                terms.add(new Term(
                        uniqueName(terms, p.name()),
                        t.withTaps(p.studentTap(), p.teacherOutput(), p.weight()),
                        p.student(),
                        p.teacher()));
            }
            planning.planned(method);
        }
        Term twoViews = terms.stream()
                .filter(x -> x.method().viewsPerImage() > 1)
                .findFirst()
                .orElse(null);
        Term withTeacher = terms.stream()
                .filter(x -> !x.method().teacherFree())
                .findFirst()
                .orElse(null);
        if (twoViews != null && withTeacher != null) {
            throw new IllegalArgumentException("distillation term " + withTeacher.output + ": "
                    + twoViews.term.kind().id()
                    + " trains on a flipped second view of every image, for which the teacher has no output; "
                    + "run " + twoViews.term.kind().id() + " without teacher terms");
        }
        return new SegmentationObjective(student, student.tap("logits"), terms, teacher, teacherTaps);
    }

    private static String uniqueName(List<Term> existing, String name) {
        return TrainingObjective.uniqueOutputName(
                existing.stream().map(Term::output).toList(), name);
    }

    public List<Term> terms() {
        return terms;
    }

    public TapInfo logits() {
        return logits;
    }

    /** Output names in graph order: the task first, the peer's task when there is a peer, then each term. */
    @Override
    public List<String> outputNames() {
        List<String> names = new ArrayList<>();
        names.add(TASK_OUTPUT);
        if (hasPeer()) names.add(PEER_PREFIX + TASK_OUTPUT);
        for (Term t : terms) names.add(t.output);
        return names;
    }

    /** Whether the run trains a peer student beside the student (mutual learning, MCL). */
    @Override
    public boolean hasPeer() {
        return terms.stream().anyMatch(t -> t.method().teacherFree());
    }

    /**
     * Views of each image a training example holds: 2 (the image and its horizontal flip) when a
     * method needs a second view (MCL's vanilla contrastive positives), else 1.
     */
    public int viewsPerImage() {
        return terms.stream().mapToInt(t -> t.method().viewsPerImage()).max().orElse(1);
    }

    /** The graph to train: student body, task output, the peer's body and task output, each term's outputs. */
    @Override
    public ComputationGraphConfiguration configuration() {
        GraphBuilder g = blueprint.graphBuilder();
        GraphHeads.addLossOutput(g, TASK_OUTPUT, logits, taskLoss());
        grafts.clear();
        if (hasPeer()) {
            // A second student with every vertex prefixed and its own task output.
            GraphCopies.addPrefixedBody(g, studentOnlyConfiguration(), PEER_PREFIX);
            GraphHeads.addLossOutput(g, PEER_PREFIX + TASK_OUTPUT, peerTap(logits), taskLoss());
        }
        GraphWiring wiring = new GraphWiring(g, Task.SEGMENTATION, PEER_PREFIX, teacher, teacherTaps, grafts);
        for (Term t : terms) t.method().wire(wiring, t.output, t.term, t.studentTap, t.teacherTap);
        return g.setOutputs(outputNames().toArray(new String[0])).build();
    }

    private static TapInfo peerTap(TapInfo s) {
        return new TapInfo(PEER_PREFIX + s.name(), PEER_PREFIX + s.vertexName(), s.channels(), s.height(), s.width());
    }

    /**
     * Prepares a freshly initialised network of {@link #configuration()}: loads the student's
     * pretrained backbone, if configured, and copies the teacher's parameters into the grafted
     * CrossKD layers. (A checkpoint already holds them.)
     */
    @Override
    public void initialize(ComputationGraph net) {
        blueprint.initialize(net);
        for (GraftedHead head : grafts.values()) CrossHeadGrafter.copyTeacherParameters(net, teacher, head);
    }

    /** The deployable student: body and task output only (no adapters, no distillation outputs). */
    @Override
    public ComputationGraphConfiguration studentOnlyConfiguration() {
        GraphBuilder g = blueprint.graphBuilder();
        GraphHeads.addLossOutput(g, TASK_OUTPUT, logits, taskLoss());
        return g.setOutputs(TASK_OUTPUT).build();
    }

    private SegmentationCrossEntropyLoss taskLoss() {
        return new SegmentationCrossEntropyLoss(logits.channels(), logits.height(), logits.width());
    }

    /** The outputs whose method trains something on the driver in {@code round} between epochs, in graph order. */
    public List<Term> termsWithRound(DriverRound round) {
        return terms.stream()
                .filter(t -> t.method().round(t.term.options()) == round)
                .toList();
    }

    /** The L-MCL outputs whose anchor weights are meta-learned between epochs, in graph order. */
    public List<Term> metaWeightedTerms() {
        return termsWithRound(DriverRound.META_WEIGHTS);
    }

    /** The holistic-distillation outputs (critic trained between epochs), in graph order. */
    public List<Term> holisticTerms() {
        return termsWithRound(DriverRound.CRITIC);
    }

    /** Whether the term's labels carry the per-pixel valid mask after the teacher map (pixel KD does). */
    public static boolean labelsCarryMask(Term t) {
        return t.labels() == LabelLayout.TEACHER_AND_VALID_MASK;
    }

    @Override
    public Task task() {
        return Task.SEGMENTATION;
    }

    @Override
    public Map<String, DistillTerm> distillationOutputs() {
        Map<String, DistillTerm> out = new java.util.LinkedHashMap<>();
        for (Term t : terms) out.put(t.output, t.term);
        return out;
    }

    @Override
    public List<String> teacherOutputsNeeded() {
        return List.copyOf(new java.util.LinkedHashSet<>(terms.stream()
                .filter(t -> !t.method().teacherFree())
                .map(t -> t.teacherTap.name())
                .toList()));
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet example(
            io.distill4j.data.ShardRecord record, Map<String, float[]> teacher) {
        return Examples.build(record, this, teacher);
    }
}
