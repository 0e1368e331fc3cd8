package io.distill4j.train;

import io.distill4j.config.DistillTerm;
import io.distill4j.distill.AttentionTransferLoss;
import io.distill4j.distill.ChannelWiseDistillationLoss;
import io.distill4j.distill.MutualContrastiveLoss;
import io.distill4j.distill.DarkRankLoss;
import io.distill4j.distill.HolisticCritic;
import io.distill4j.distill.HolisticLoss;
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
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
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
 * Teacher-free terms (mutual learning, MCL, L-MCL) put a peer student, its vertices prefixed
 * {@value #PEER_PREFIX}, into the same graph with its own task output; MCL terms add a projection
 * head per network and one {@link MutualContrastiveLoss} output per (student tap, peer tap) pair.
 */
public final class SegmentationObjective implements TrainingObjective {
    public static final String TASK_OUTPUT = "task";
    /** Vertex-name prefix of the peer student of a mutual-learning term. */
    public static final String PEER_PREFIX = "peer_";
    /** Size of the MCL projection heads' embeddings (the paper's 128). */
    public static final int MCL_EMBEDDING = 128;
    private static final long serialVersionUID = 1L;
    /** The critic a holistic term's graph is built with; training replaces it before the first epoch. */
    private static final long INITIAL_CRITIC_SEED = 1;
    /**
     * Standard deviation of the meta-learned anchor weights' initial Wq, Wk: with unit projections
     * and d = 16, (Wq v_a).(Wk v_b) then has std about 0.1 * 0.1 * 4 = 0.04, so every alpha starts near 0.5.
     */
    public static final double INITIAL_META_STD = 0.1;
    /** Vertex-name prefix of the merged [z_a | z_b] projections feeding an MCL output. */
    public static final String MCL_MERGE_PREFIX = "mcl_merge_";

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
            if (t.kind().contrastive()) {
                addContrastiveTerms(student, t, terms);
                continue;
            }
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
            if (t.kind() == DistillTerm.Kind.HOLISTIC && (!s.name().equals("logits") || te.channels() != s.channels())) {
                throw new IllegalArgumentException("distillation term " + t.outputName() + ": holistic distillation scores "
                        + "class-probability maps: student-tap must be logits and teacher-output the teacher's logits ("
                        + s.channels() + " channels), got " + s.name() + " and " + te.name() + " (" + te.channels() + ")");
            }
            if (t.kind() == DistillTerm.Kind.HOLISTIC && terms.stream().anyMatch(x -> x.term.kind() == DistillTerm.Kind.HOLISTIC)) {
                throw new IllegalArgumentException("distillation term " + t.outputName() + ": only one holistic term per run "
                        + "(one critic)");
            }
            // DarkRank pools each map to one embedding per image, so the two grids may differ.
            if (t.kind() != DistillTerm.Kind.DARKRANK && (s.height() != te.height() || s.width() != te.width())) {
                throw new IllegalArgumentException("distillation term " + t.outputName() + ": student tap " + s.name() + " is "
                        + s.height() + "x" + s.width() + " but teacher output " + te.name() + " is " + te.height() + "x"
                        + te.width() + "; pick taps at the same stride");
            }
            terms.add(new Term(uniqueName(terms, t.outputName()), t, s, te));
        }
        boolean contrastive = terms.stream().anyMatch(x -> x.term.kind().contrastive());
        Term withTeacher = terms.stream().filter(x -> !x.term.kind().teacherFree()).findFirst().orElse(null);
        if (contrastive && withTeacher != null) {
            throw new IllegalArgumentException("distillation term " + withTeacher.output + ": mutual contrastive learning "
                    + "trains on a flipped second view of every image, for which the teacher has no output; "
                    + "run mcl / l-mcl without teacher terms");
        }
        return new SegmentationObjective(student, student.tap("logits"), terms, teacher, teacherTaps);
    }

    /**
     * MCL: one term between the student's tap and the peer's tap named by teacher-output. L-MCL:
     * one term per (student tap, peer tap) pair of the two comma-separated lists, weight / pairs each.
     */
    private static void addContrastiveTerms(ModelBlueprint student, DistillTerm t, List<Term> terms) {
        List<String> own = tapList(t.studentTap());
        List<String> peer = tapList(t.teacherOutput());
        if (t.kind() == DistillTerm.Kind.MCL && (own.size() != 1 || peer.size() != 1)) {
            throw new IllegalArgumentException("distillation term " + t.outputName() + ": mcl takes one student-tap and one "
                    + "teacher-output (the peer's tap); use l-mcl for lists of taps");
        }
        double weight = t.weight() / (own.size() * peer.size());
        for (String a : own) {
            for (String b : peer) {
                TapInfo s = student.tap(a);
                TapInfo p = student.tap(b);
                DistillTerm pair = new DistillTerm(t.kind(), a, b, weight, t.tau(), t.layerWeights());
                terms.add(new Term(uniqueName(terms, t.kind().id() + "@" + a + "~" + b), pair, s, p));
            }
        }
    }

    private static List<String> tapList(String taps) {
        return java.util.Arrays.stream(taps.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static String uniqueName(List<Term> existing, String name) {
        return TrainingObjective.uniqueOutputName(existing.stream().map(Term::output).toList(), name);
    }

    public List<Term> terms() {
        return terms;
    }

    public TapInfo logits() {
        return logits;
    }

    /** Output names in graph order: the task first, the peer's task when there is a peer, then each term. */
    public List<String> outputNames() {
        List<String> names = new ArrayList<>();
        names.add(TASK_OUTPUT);
        if (hasPeer()) names.add(PEER_PREFIX + TASK_OUTPUT);
        for (Term t : terms) names.add(t.output);
        return names;
    }

    /** Whether the run trains a peer student beside the student (mutual learning, MCL). */
    public boolean hasPeer() {
        return terms.stream().anyMatch(t -> t.term.kind().teacherFree());
    }

    /**
     * Views of each image a training example holds: 2 (the image and its horizontal flip) when an
     * MCL term needs a second view for its vanilla contrastive positives, else 1.
     */
    public int viewsPerImage() {
        return terms.stream().anyMatch(t -> t.term.kind().contrastive()) ? 2 : 1;
    }

    /** The graph to train: student body, task output, term outputs and their adapters. */
    public ComputationGraphConfiguration configuration() {
        GraphBuilder g = blueprint.graphBuilder();
        GraphHeads.addLossOutput(g, TASK_OUTPUT, logits, taskLoss());
        grafts.clear();
        if (hasPeer()) {
            // A second student with every vertex prefixed and its own task output.
            GraphCopies.addPrefixedBody(g, studentOnlyConfiguration(), PEER_PREFIX);
            GraphHeads.addLossOutput(g, PEER_PREFIX + TASK_OUTPUT, peerTap(logits), taskLoss());
        }
        for (Term t : terms) {
            TapInfo s = t.studentTap;
            if (t.term.kind().contrastive()) {
                addContrastiveOutput(g, t);
                continue;
            }
            if (t.term.kind() == DistillTerm.Kind.MUTUAL) {
                // The mutual KL over both students' logits concatenated along channels.
                TapInfo peer = peerTap(s);
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

    private static TapInfo peerTap(TapInfo s) {
        return new TapInfo(PEER_PREFIX + s.name(), PEER_PREFIX + s.vertexName(), s.channels(), s.height(), s.width());
    }

    /**
     * A projection head per network (global average pool of the tap, then a linear map to
     * {@link #MCL_EMBEDDING} dimensions), both projections concatenated into one
     * {@link MutualContrastiveLoss} output that normalises them and contrasts them.
     */
    private static void addContrastiveOutput(GraphBuilder g, Term t) {
        String own = projectionHead(g, "mcl_a_" + t.output, t.studentTap);
        String peer = projectionHead(g, "mcl_b_" + t.output, peerTap(t.teacherTap));
        String merged = MCL_MERGE_PREFIX + t.output;
        g.addVertex(merged, new org.deeplearning4j.nn.conf.graph.MergeVertex(), own, peer);
        MutualContrastiveLoss loss = MutualContrastiveLoss.all(MCL_EMBEDDING, t.term.tau(), t.term.weight());
        if (isMetaWeighted(t)) {
            // Placeholder anchor weights (alpha near 0.5); MetaWeightRounds replaces them before the first epoch.
            loss = loss.withAnchorWeights(io.distill4j.distill.AnchorWeights.random(MCL_EMBEDDING,
                    t.term.layerWeights().metaDim(), INITIAL_META_STD, t.output.hashCode()));
        }
        g.addLayer(t.output, new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(), merged);
    }

    private static String projectionHead(GraphBuilder g, String name, TapInfo tap) {
        g.addLayer(name + "_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), tap.vertexName());
        g.addLayer(name + "_proj", new DenseLayer.Builder().nIn(tap.channels()).nOut(MCL_EMBEDDING)
                .activation(Activation.IDENTITY).build(), name + "_pool");
        return name + "_proj";
    }

    /**
     * Prepares a freshly initialised network of {@link #configuration()}: loads the student's
     * pretrained backbone, if configured, and copies the teacher's parameters into the grafted
     * CrossKD layers. (A checkpoint already holds them.)
     */
    public void initialize(ComputationGraph net) {
        blueprint.initialize(net);
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
            case HOLISTIC -> new HolisticLoss(s.channels(), s.height(), s.width(), d.tau(), d.weight(),
                    new HolisticCritic(s.channels(), d.holistic().hidden(), d.holistic().kernel(), INITIAL_CRITIC_SEED));
            case CROSSKD, MUTUAL, MCL, L_MCL -> throw new IllegalStateException(d.kind() + " outputs are built in configuration()");
        };
    }

    private static boolean isMetaWeighted(Term t) {
        return t.term.kind() == DistillTerm.Kind.L_MCL && t.term.layerWeights().meta();
    }

    /** The L-MCL outputs whose anchor weights are meta-learned between epochs, in graph order. */
    public List<Term> metaWeightedTerms() {
        return terms.stream().filter(SegmentationObjective::isMetaWeighted).toList();
    }

    /** The holistic-distillation outputs (critic trained between epochs), in graph order. */
    public List<Term> holisticTerms() {
        return terms.stream().filter(t -> t.term.kind() == DistillTerm.Kind.HOLISTIC).toList();
    }

    /** Whether the term's labels carry the per-pixel valid mask after the teacher map (pixel KD does). */
    public static boolean labelsCarryMask(Term t) {
        return t.term.kind() == DistillTerm.Kind.PIXEL_KD || t.term.kind() == DistillTerm.Kind.CROSSKD;
    }

    @Override
    public io.distill4j.model.Task task() {
        return io.distill4j.model.Task.SEGMENTATION;
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
                .filter(t -> !t.term.kind().teacherFree()).map(t -> t.teacherTap.name()).toList()));
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet example(io.distill4j.data.ShardRecord record, Map<String, float[]> teacher) {
        return Examples.build(record, this, teacher);
    }
}
