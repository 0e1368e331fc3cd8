package io.distill4j.method;

import io.distill4j.distill.PixelKdLoss;
import io.distill4j.distill.SigmoidKdLoss;
import io.distill4j.model.GraftedHead;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.model.loss.MaskedL1Loss;
import java.util.Set;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * CrossKD: the student's features at its tap run through the teacher's frozen layers after the
 * teacher's tap of the same name, and that prediction is distilled against the teacher's output
 * (pixel KD for segmentation; sigmoid KD on a detector's heatmap, L1 at ground-truth centres on its
 * reg branch, both branches sharing one graft per student tap).
 */
public final class CrossKd implements DistillMethod {
    @Override
    public String id() {
        return "crosskd";
    }

    @Override
    public Set<Task> tasks() {
        return Set.of(Task.SEGMENTATION, Task.DETECTION);
    }

    @Override
    public boolean graftsTeacher() {
        return true;
    }

    @Override
    public void check(TermPlanning p, MethodTerm t, TapInfo s, TapInfo te) {
        if (!p.hasTeacherGraph()) throw new IllegalArgumentException(p.where(t) + ": CrossKD needs the teacher model");
        if (p.task() == Task.DETECTION
                && !te.name().equals("heatmap")
                && !te.name().equals("reg")) {
            throw new IllegalArgumentException(
                    p.where(t) + ": CrossKD on a detector distils the teacher's 'heatmap' or "
                            + "'reg' prediction, not '" + te.name() + "'");
        }
    }

    @Override
    public void wire(GraphWiring w, String output, MethodTerm t, TapInfo s, TapInfo te) {
        // A detector's heatmap and reg terms from one student tap share the graft; an unused branch is pruned.
        String key = w.task() == Task.DETECTION ? s.name() : output;
        GraftedHead head = w.graft(key, s, t.studentTap());
        TapInfo cross = head.output(te.name());
        ILossFunction loss;
        if (w.task() == Task.SEGMENTATION) {
            loss = new PixelKdLoss(cross.channels(), cross.height(), cross.width(), t.tau(), t.weight());
        } else if (centreMasked(te)) {
            loss = new MaskedL1Loss(cross.channels(), cross.height(), cross.width(), t.weight());
        } else {
            loss = new SigmoidKdLoss(cross.channels(), cross.height(), cross.width(), t.tau(), t.weight());
        }
        w.addLoss(output, cross, loss);
    }

    private static boolean centreMasked(TapInfo teacher) {
        return teacher.name().equals("reg");
    }

    @Override
    public LabelLayout labels(Task task, TapInfo teacher) {
        if (task == Task.SEGMENTATION) return LabelLayout.TEACHER_AND_VALID_MASK;
        return centreMasked(teacher) ? LabelLayout.TEACHER_AND_CENTRE_MASK : LabelLayout.TEACHER;
    }
}
