package io.distill4j.train;

import io.distill4j.config.DistillTerm;
import io.distill4j.distill.AttentionTransferLoss;
import io.distill4j.distill.ChannelWiseDistillationLoss;
import io.distill4j.distill.DarkRankLoss;
import io.distill4j.distill.PairwiseSimilarityLoss;
import io.distill4j.distill.PixelKdLoss;
import io.distill4j.model.CrossHeadGrafter;
import io.distill4j.model.GraftedHead;
import io.distill4j.model.GraphHeads;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.TapInfo;
import io.distill4j.model.loss.SegmentationCrossEntropyLoss;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training objective of a segmentation network: the task output (cross-entropy, ignore 255)
 * plus one output per distillation term, each a LossLayer on a tap (through a 1x1 adapter when
 * the student's and the teacher's channel counts differ). It also knows which labels each output
 * expects, so the data pipeline and the graph cannot disagree. With no terms it is the baseline.
 */
public final class SegmentationObjective implements Serializable {
    public static final String TASK_OUTPUT = "task";
    /** Vertex-name prefix of the peer student of a mutual-learning term. */
    public static final String PEER_PREFIX = "peer_";
    private static final long serialVersionUID = 1L;

    /** One distillation output: the term, the student tap it reads, the teacher output it matches. */
    public record Term(String output, DistillTerm term, TapInfo studentTap, TapInfo teacherTap) implements Serializable {}

    private final TapInfo logits;
    private final List<Term> terms;
    private final transient ModelBlueprint blueprint;
    /** The teacher and its taps, for CrossKD terms (driver side only). */
    private final transient ComputationGraph teacher;
    private final transient Map<String, TapInfo> teacherTaps;
    private final transient Map<String, GraftedHead> grafts = new java.util.LinkedHashMap<>();

    private SegmentationObjective(ModelBlueprint blueprint, TapInfo logits, List<Term> terms, ComputationGraph teacher,
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
    public static SegmentationObjective of(ModelBlueprint student, Map<String, TapInfo> teacherOutputs, List<DistillTerm> dts) {
        return of(student, teacherOutputs, dts, null, Map.of());
    }

    /**
     * @param teacher     the teacher network, needed by CrossKD terms (its head is grafted); may be null otherwise
     * @param teacherTaps the teacher's taps (from its blueprint)
     */
    public static SegmentationObjective of(ModelBlueprint student, Map<String, TapInfo> teacherOutputs, List<DistillTerm> dts,
                                           ComputationGraph teacher, Map<String, TapInfo> teacherTaps) {
        List<Term> terms = new ArrayList<>();
        for (DistillTerm t : dts) {
            if (t.weight() == 0) continue;
            TapInfo s = student.tap(t.studentTap());
            if (t.kind() == DistillTerm.Kind.MUTUAL) {
                if (!s.name().equals("logits")) {
                    throw new IllegalArgumentException("distillation term " + t.outputName() + ": mutual learning works on "
                            + "student-tap logits");
                }
                if (terms.stream().anyMatch(x -> x.term.kind() == DistillTerm.Kind.MUTUAL)) {
                    throw new IllegalArgumentException("only one mutual-learning term per run (two students)");
                }
                terms.add(new Term(uniqueName(terms, t.outputName()), t, s, s));
                continue;
            }
            TapInfo te = teacherOutputs.get(t.teacherOutput());
            if (te == null) {
                throw new IllegalArgumentException("distillation term " + t.outputName() + ": the teacher has no output '"
                        + t.teacherOutput() + "' (available: " + teacherOutputs.keySet() + "; add it to cache.outputs)");
            }
            if (t.kind() == DistillTerm.Kind.CROSSKD && teacher == null) {
                throw new IllegalArgumentException("distillation term " + t.outputName() + ": CrossKD needs the teacher model");
            }
            // DarkRank pools each map to one embedding per image, so the two grids may differ.
            if (t.kind() != DistillTerm.Kind.DARKRANK && (s.height() != te.height() || s.width() != te.width())) {
                throw new IllegalArgumentException("distillation term " + t.outputName() + ": student tap " + s.name() + " is "
                        + s.height() + "x" + s.width() + " but teacher output " + te.name() + " is " + te.height() + "x"
                        + te.width() + "; pick taps at the same stride");
            }
            terms.add(new Term(uniqueName(terms, t.outputName()), t, s, te));
        }
        return new SegmentationObjective(student, student.tap("logits"), terms, teacher, teacherTaps);
    }

    private static String uniqueName(List<Term> existing, String name) {
        String n = name;
        for (int i = 2; taken(existing, n); i++) n = name + "#" + i;
        return n;
    }

    private static boolean taken(List<Term> existing, String output) {
        return existing.stream().anyMatch(e -> e.output.equals(output));
    }

    public List<Term> terms() {
        return terms;
    }

    public TapInfo logits() {
        return logits;
    }

    /** Output names in graph order: the task first, then each term (mutual learning: the peer's task, then the term). */
    public List<String> outputNames() {
        List<String> names = new ArrayList<>();
        names.add(TASK_OUTPUT);
        for (Term t : terms) {
            if (t.term.kind() == DistillTerm.Kind.MUTUAL) names.add(PEER_PREFIX + TASK_OUTPUT);
            names.add(t.output);
        }
        return names;
    }

    /** Whether the run trains a peer student beside the student (mutual learning). */
    public boolean hasPeer() {
        return terms.stream().anyMatch(t -> t.term.kind() == DistillTerm.Kind.MUTUAL);
    }

    /** The graph to train: student body, task output, term outputs and their adapters. */
    public ComputationGraphConfiguration configuration() {
        GraphBuilder g = blueprint.graphBuilder();
        GraphHeads.addLossOutput(g, TASK_OUTPUT, logits, taskLoss());
        grafts.clear();
        for (Term t : terms) {
            TapInfo s = t.studentTap;
            if (t.term.kind() == DistillTerm.Kind.MUTUAL) {
                // A second student with every vertex prefixed, its own task output, and the mutual KL
                // over both students' logits concatenated along channels.
                GraphCopies.addPrefixedBody(g, studentOnlyConfiguration(), PEER_PREFIX);
                TapInfo peer = new TapInfo(PEER_PREFIX + s.name(), PEER_PREFIX + s.vertexName(), s.channels(), s.height(), s.width());
                GraphHeads.addLossOutput(g, PEER_PREFIX + TASK_OUTPUT, peer, taskLoss());
                String merged = "mutual_" + s.name();
                g.addVertex(merged, new org.deeplearning4j.nn.conf.graph.MergeVertex(), s.vertexName(), peer.vertexName());
                GraphHeads.addLossOutput(g, t.output, new TapInfo(merged, merged, 2 * s.channels(), s.height(), s.width()),
                        new io.distill4j.distill.MutualKdLoss(s.channels(), s.height(), s.width(), t.term.tau(), t.term.weight()));
                continue;
            }
            if (t.term.kind() == DistillTerm.Kind.CROSSKD) {
                // Student features through the teacher's frozen later layers, distilled like pixel KD.
                GraftedHead head = CrossHeadGrafter.graft(g, s, teacher, teacherTaps, t.term.studentTap(), "crosskd_" + s.name() + "_");
                grafts.put(t.output, head);
                TapInfo cross = head.output(t.teacherTap.name());
                GraphHeads.addLossOutput(g, t.output, cross, new PixelKdLoss(cross.channels(), cross.height(), cross.width(),
                        t.term.tau(), t.term.weight()));
                continue;
            }
            boolean needsAdapter = s.channels() != t.teacherTap.channels()
                    && (t.term.kind() == DistillTerm.Kind.PIXEL_KD || t.term.kind() == DistillTerm.Kind.CWD);
            if (needsAdapter) s = GraphHeads.addConvAdapter(g, "adapter_" + t.output, s, t.teacherTap.channels());
            GraphHeads.addLossOutput(g, t.output, s, loss(t, s));
        }
        return g.setOutputs(outputNames().toArray(new String[0])).build();
    }

    /**
     * Prepares a freshly initialised network of {@link #configuration()}: copies the teacher's
     * parameters into the grafted CrossKD layers. (A checkpoint already holds them.)
     */
    public void initialize(ComputationGraph net) {
        for (GraftedHead head : grafts.values()) CrossHeadGrafter.copyTeacherParameters(net, teacher, head);
    }

    /** The deployable student: body and task output only (no adapters, no distillation outputs). */
    public ComputationGraphConfiguration studentOnlyConfiguration() {
        GraphBuilder g = blueprint.graphBuilder();
        GraphHeads.addLossOutput(g, TASK_OUTPUT, logits, taskLoss());
        return g.setOutputs(TASK_OUTPUT).build();
    }

    private SegmentationCrossEntropyLoss taskLoss() {
        return new SegmentationCrossEntropyLoss(logits.channels(), logits.height(), logits.width());
    }

    private static ILossFunction loss(Term t, TapInfo s) {
        DistillTerm d = t.term;
        return switch (d.kind()) {
            case PIXEL_KD -> new PixelKdLoss(s.channels(), s.height(), s.width(), d.tau(), d.weight());
            case CWD -> new ChannelWiseDistillationLoss(s.channels(), s.height(), s.width(), d.tau(), d.weight());
            case AT -> new AttentionTransferLoss(s.channels(), t.teacherTap.channels(), s.height(), s.width(), 1000.0, 2.0, d.weight());
            case PAIRWISE -> new PairwiseSimilarityLoss(s.channels(), t.teacherTap.channels(), s.height(), s.width(), 0, d.weight());
            case DARKRANK -> new DarkRankLoss(s.channels(), s.height() * s.width(), t.teacherTap.channels(),
                    t.teacherTap.height() * t.teacherTap.width(), d.darkRank().alpha(), d.darkRank().beta(),
                    d.darkRank().listSize(), d.darkRank().soft() ? DarkRankLoss.Transfer.SOFT : DarkRankLoss.Transfer.HARD,
                    d.weight());
            case CROSSKD, MUTUAL -> throw new IllegalStateException(d.kind() + " outputs are built in configuration()");
        };
    }

    /** Whether the term's labels carry the per-pixel valid mask after the teacher map (pixel KD does). */
    public static boolean labelsCarryMask(Term t) {
        return t.term.kind() == DistillTerm.Kind.PIXEL_KD || t.term.kind() == DistillTerm.Kind.CROSSKD;
    }
}
