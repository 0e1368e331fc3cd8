package io.distill4j.method;

import io.distill4j.distill.PixelKdLoss;
import io.distill4j.distill.SigmoidKdLoss;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.Set;

/**
 * Pixel-wise KD: per-pixel KL between tempered softmaxes (segmentation, through a 1x1 adapter when
 * the channel counts differ), per-class sigmoid KD on a detector's heatmap.
 */
public final class PixelKd implements DistillMethod {
    @Override
    public String id() {
        return "pixel-kd";
    }

    @Override
    public Set<Task> tasks() {
        return Set.of(Task.SEGMENTATION, Task.DETECTION);
    }

    @Override
    public void check(TermPlanning p, MethodTerm t, TapInfo s, TapInfo te) {
        if (p.task() == Task.DETECTION && (!s.name().equals("heatmap") || te.channels() != s.channels())) {
            throw new IllegalArgumentException(
                    p.where(t) + ": pixel-kd on a detector is sigmoid KD on the class heatmap: "
                            + "student-tap and teacher-output must both be 'heatmap'");
        }
    }

    @Override
    public void wire(GraphWiring w, String output, MethodTerm t, TapInfo s, TapInfo te) {
        if (w.task() == Task.DETECTION) {
            w.addLoss(output, s, new SigmoidKdLoss(s.channels(), s.height(), s.width(), t.tau(), t.weight()));
            return;
        }
        TapInfo in = s.channels() != te.channels() ? w.adapter(output, s, te.channels()) : s;
        w.addLoss(output, in, new PixelKdLoss(in.channels(), in.height(), in.width(), t.tau(), t.weight()));
    }

    @Override
    public LabelLayout labels(Task task, TapInfo teacher) {
        return task == Task.DETECTION ? LabelLayout.TEACHER : LabelLayout.TEACHER_AND_VALID_MASK;
    }
}
