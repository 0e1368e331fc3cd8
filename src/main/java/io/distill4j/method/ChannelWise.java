package io.distill4j.method;

import io.distill4j.distill.ChannelWiseDistillationLoss;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.Set;

/** Channel-wise distillation (CWD): KL between each channel's spatial softmax, through a 1x1 adapter when needed. */
public final class ChannelWise implements DistillMethod {
    @Override
    public String id() {
        return "cwd";
    }

    @Override
    public Set<Task> tasks() {
        return Set.of(Task.SEGMENTATION, Task.DETECTION);
    }

    @Override
    public void wire(GraphWiring w, String output, MethodTerm t, TapInfo s, TapInfo te) {
        TapInfo in = s.channels() != te.channels() ? w.adapter(output, s, te.channels()) : s;
        w.addLoss(
                output,
                in,
                new ChannelWiseDistillationLoss(in.channels(), in.height(), in.width(), t.tau(), t.weight()));
    }

    @Override
    public LabelLayout labels(Task task, TapInfo teacher) {
        return LabelLayout.TEACHER;
    }
}
