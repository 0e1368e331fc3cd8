package io.distill4j.method;

import com.typesafe.config.Config;
import io.distill4j.distill.HolisticCritic;
import io.distill4j.distill.HolisticLoss;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.Set;

/**
 * Holistic distillation: a Wasserstein critic, trained on the driver between epochs on teacher maps
 * (real) and student maps (fake), conditioned on the image, scores the student's class-probability map.
 */
public final class HolisticDistillation implements DistillMethod {
    /** The critic the graph is built with; the critic round replaces it before the first epoch. */
    private static final long INITIAL_CRITIC_SEED = 1;

    @Override
    public String id() {
        return "holistic";
    }

    @Override
    public Set<Task> tasks() {
        return Set.of(Task.SEGMENTATION);
    }

    @Override
    public Set<String> optionKeys() {
        return HolisticOptions.KEYS;
    }

    @Override
    public MethodOptions defaultOptions() {
        return HolisticOptions.DEFAULTS;
    }

    @Override
    public MethodOptions readOptions(Config term, String where) {
        return HolisticOptions.read(term, where);
    }

    @Override
    public void check(TermPlanning p, MethodTerm t, TapInfo s, TapInfo te) {
        if (!s.name().equals("logits") || te.channels() != s.channels()) {
            throw new IllegalArgumentException(p.where(t) + ": holistic distillation scores "
                    + "class-probability maps: student-tap must be logits and teacher-output the teacher's logits ("
                    + s.channels() + " channels), got " + s.name() + " and " + te.name() + " (" + te.channels() + ")");
        }
        if (p.alreadyPlanned(this)) {
            throw new IllegalArgumentException(p.where(t) + ": only one holistic term per run (one critic)");
        }
    }

    @Override
    public void wire(GraphWiring w, String output, MethodTerm t, TapInfo s, TapInfo te) {
        HolisticOptions o = (HolisticOptions) t.options();
        w.addLoss(
                output,
                s,
                new HolisticLoss(
                        s.channels(),
                        s.height(),
                        s.width(),
                        t.tau(),
                        t.weight(),
                        new HolisticCritic(s.channels(), o.hidden(), o.kernel(), INITIAL_CRITIC_SEED)));
    }

    @Override
    public LabelLayout labels(Task task, TapInfo teacher) {
        return LabelLayout.IMAGE_AND_TEACHER;
    }

    @Override
    public DriverRound round(MethodOptions options) {
        return DriverRound.CRITIC;
    }
}
