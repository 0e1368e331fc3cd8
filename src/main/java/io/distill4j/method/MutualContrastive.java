package io.distill4j.method;

import io.distill4j.distill.AnchorWeights;
import io.distill4j.distill.MutualContrastiveLoss;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;

/**
 * Mutual contrastive learning, MCL (Yang et al. 2022): a peer student trained in the same graph, and
 * contrastive terms between the student's projected student-tap and the peer's projected tap named
 * by teacher-output (the peer plays the teacher's part). Every image travels with its horizontal
 * flip, the second view the vanilla contrastive positives come from.
 */
public class MutualContrastive implements DistillMethod {
    /** Size of the projection heads' embeddings (the paper's 128). */
    public static final int EMBEDDING = 128;
    /** Vertex-name prefix of the merged [z_a | z_b] projections feeding an MCL output. */
    public static final String MERGE_PREFIX = "mcl_merge_";
    /**
     * Standard deviation of the meta-learned anchor weights' initial Wq, Wk: with unit projections
     * and d = 16, (Wq v_a).(Wk v_b) then has std about 0.1 * 0.1 * 4 = 0.04, so every alpha starts near 0.5.
     */
    public static final double INITIAL_META_STD = 0.1;

    @Override
    public String id() {
        return "mcl";
    }

    @Override
    public Set<Task> tasks() {
        return Set.of(Task.SEGMENTATION);
    }

    @Override
    public boolean teacherFree() {
        return true;
    }

    @Override
    public int viewsPerImage() {
        return 2;
    }

    /** Whether several taps per side are allowed (layer-wise MCL). */
    protected boolean layerWise() {
        return false;
    }

    /** Whether the term's anchors are weighted by meta-learned weights. */
    protected boolean metaWeighted(MethodOptions options) {
        return false;
    }

    /**
     * One output between the student's tap and the peer's tap named by teacher-output; for
     * layer-wise terms one per (student tap, peer tap) pair of the two comma-separated lists,
     * weight / pairs each.
     */
    @Override
    public List<PlannedOutput> plan(TermPlanning p, MethodTerm t) {
        List<String> own = tapList(t.studentTap());
        List<String> peer = tapList(t.teacherOutput());
        if (!layerWise() && (own.size() != 1 || peer.size() != 1)) {
            throw new IllegalArgumentException(p.where(t) + ": mcl takes one student-tap and one "
                    + "teacher-output (the peer's tap); use l-mcl for lists of taps");
        }
        double weight = t.weight() / (own.size() * peer.size());
        List<PlannedOutput> out = new ArrayList<>();
        for (String a : own) {
            for (String b : peer) {
                out.add(new PlannedOutput(id() + "@" + a + "~" + b, a, b, weight, p.studentTap(a), p.studentTap(b)));
            }
        }
        return out;
    }

    private static List<String> tapList(String taps) {
        return Arrays.stream(taps.split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .toList();
    }

    /**
     * A projection head per network (global average pool of the tap, then a linear map to
     * {@link #EMBEDDING} dimensions), both projections concatenated into one
     * {@link MutualContrastiveLoss} output that normalises them and contrasts them.
     */
    @Override
    public void wire(GraphWiring w, String output, MethodTerm t, TapInfo s, TapInfo peerTap) {
        GraphBuilder g = w.graph();
        String own = projectionHead(g, "mcl_a_" + output, s);
        String peer = projectionHead(g, "mcl_b_" + output, w.peerTap(peerTap));
        String merged = MERGE_PREFIX + output;
        g.addVertex(merged, new MergeVertex(), own, peer);
        MutualContrastiveLoss loss = MutualContrastiveLoss.all(EMBEDDING, t.tau(), t.weight());
        if (metaWeighted(t.options())) {
            // Placeholder anchor weights (alpha near 0.5); the meta-weight round replaces them before the first epoch.
            loss = loss.withAnchorWeights(AnchorWeights.random(
                    EMBEDDING, ((LayerWeightOptions) t.options()).metaDim(), INITIAL_META_STD, output.hashCode()));
        }
        g.addLayer(
                output,
                new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(),
                merged);
    }

    private static String projectionHead(GraphBuilder g, String name, TapInfo tap) {
        g.addLayer(name + "_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), tap.vertexName());
        g.addLayer(
                name + "_proj",
                new DenseLayer.Builder()
                        .nIn(tap.channels())
                        .nOut(EMBEDDING)
                        .activation(Activation.IDENTITY)
                        .build(),
                name + "_pool");
        return name + "_proj";
    }

    @Override
    public LabelLayout labels(Task task, TapInfo teacher) {
        return LabelLayout.IMAGE_ID;
    }

    @Override
    public DriverRound round(MethodOptions options) {
        return metaWeighted(options) ? DriverRound.META_WEIGHTS : DriverRound.NONE;
    }
}
