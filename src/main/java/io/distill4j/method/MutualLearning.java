package io.distill4j.method;

import io.distill4j.distill.MutualKdLoss;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.graph.MergeVertex;

/**
 * Deep mutual learning: a peer student trained in the same graph; the mutual KL between the two
 * students' logits. No teacher, nothing cached; one term per run (two students).
 */
public final class MutualLearning implements DistillMethod {
    @Override
    public String id() {
        return "mutual";
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
    public List<PlannedOutput> plan(TermPlanning p, MethodTerm t) {
        TapInfo s = p.studentTap(t.studentTap());
        if (!s.name().equals("logits")) {
            throw new IllegalArgumentException(p.where(t) + ": mutual learning works on student-tap logits");
        }
        if (p.alreadyPlanned(this))
            throw new IllegalArgumentException("only one mutual-learning term per run (two students)");
        return List.of(PlannedOutput.of(t, s, s));
    }

    @Override
    public void wire(GraphWiring w, String output, MethodTerm t, TapInfo s, TapInfo te) {
        // The mutual KL over both students' logits concatenated along channels.
        TapInfo peer = w.peerTap(s);
        String merged = "mutual_" + s.name();
        w.graph().addVertex(merged, new MergeVertex(), s.vertexName(), peer.vertexName());
        w.addLoss(
                output,
                new TapInfo(merged, merged, 2 * s.channels(), s.height(), s.width()),
                new MutualKdLoss(s.channels(), s.height(), s.width(), t.tau(), t.weight()));
    }

    @Override
    public LabelLayout labels(Task task, TapInfo teacher) {
        return LabelLayout.VALID_MASK;
    }
}
