package io.distill4j.method;

import com.typesafe.config.Config;
import io.distill4j.distill.PairwiseSimilarityLoss;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.Set;

/** Pair-wise similarity distillation: squared differences of the cosine affinities between (pooled) positions. */
public final class PairwiseSimilarity implements DistillMethod {
    @Override
    public String id() {
        return "pairwise";
    }

    @Override
    public Set<Task> tasks() {
        return Set.of(Task.SEGMENTATION, Task.DETECTION);
    }

    @Override
    public Set<String> optionKeys() {
        return PairwiseOptions.KEYS;
    }

    @Override
    public MethodOptions defaultOptions() {
        return PairwiseOptions.DEFAULTS;
    }

    @Override
    public MethodOptions readOptions(Config term, String where) {
        return PairwiseOptions.read(term, where);
    }

    @Override
    public void check(TermPlanning p, MethodTerm t, TapInfo s, TapInfo te) {
        int pool = ((PairwiseOptions) t.options()).pool();
        if (pool > 1 && (s.height() % pool != 0 || s.width() % pool != 0)) {
            throw new IllegalArgumentException(
                    p.where(t) + ": pool " + pool + " must divide the tap's " + s.height() + "x" + s.width() + " grid");
        }
    }

    @Override
    public void wire(GraphWiring w, String output, MethodTerm t, TapInfo s, TapInfo te) {
        w.addLoss(
                output,
                s,
                new PairwiseSimilarityLoss(
                        s.channels(),
                        te.channels(),
                        s.height(),
                        s.width(),
                        ((PairwiseOptions) t.options()).pool(),
                        t.weight()));
    }

    @Override
    public LabelLayout labels(Task task, TapInfo teacher) {
        return LabelLayout.TEACHER;
    }
}
