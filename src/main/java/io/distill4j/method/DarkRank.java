package io.distill4j.method;

import com.typesafe.config.Config;
import io.distill4j.distill.DarkRankLoss;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.List;
import java.util.Set;

/**
 * DarkRank: the teacher's ranking of the other images of the minibatch around each image. Each map
 * is pooled to one embedding per image, so the student's and the teacher's grids may differ.
 */
public final class DarkRank implements DistillMethod {
    @Override
    public String id() {
        return "darkrank";
    }

    @Override
    public Set<Task> tasks() {
        return Set.of(Task.SEGMENTATION);
    }

    @Override
    public Set<String> optionKeys() {
        return DarkRankOptions.KEYS;
    }

    @Override
    public MethodOptions defaultOptions() {
        return DarkRankOptions.DEFAULTS;
    }

    @Override
    public MethodOptions readOptions(Config term, String where) {
        return DarkRankOptions.read(term, where);
    }

    @Override
    public List<PlannedOutput> plan(TermPlanning p, MethodTerm t) {
        return List.of(PlannedOutput.of(t, p.studentTap(t.studentTap()), p.teacherOutput(t)));
    }

    @Override
    public void wire(GraphWiring w, String output, MethodTerm t, TapInfo s, TapInfo te) {
        DarkRankOptions o = (DarkRankOptions) t.options();
        w.addLoss(
                output,
                s,
                new DarkRankLoss(
                        s.channels(),
                        s.height() * s.width(),
                        te.channels(),
                        te.height() * te.width(),
                        o.alpha(),
                        o.beta(),
                        o.listSize(),
                        o.soft() ? DarkRankLoss.Transfer.SOFT : DarkRankLoss.Transfer.HARD,
                        t.weight()));
    }

    @Override
    public LabelLayout labels(Task task, TapInfo teacher) {
        return LabelLayout.TEACHER;
    }
}
