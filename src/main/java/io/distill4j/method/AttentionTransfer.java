package io.distill4j.method;

import com.typesafe.config.Config;
import io.distill4j.distill.AttentionTransferLoss;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.Set;

/** Attention transfer (AT): distance between normalised spatial attention maps; channel counts may differ. */
public final class AttentionTransfer implements DistillMethod {
    @Override
    public String id() {
        return "at";
    }

    @Override
    public Set<Task> tasks() {
        return Set.of(Task.SEGMENTATION, Task.DETECTION);
    }

    @Override
    public Set<String> optionKeys() {
        return AttentionOptions.KEYS;
    }

    @Override
    public MethodOptions defaultOptions() {
        return AttentionOptions.DEFAULTS;
    }

    @Override
    public MethodOptions readOptions(Config term, String where) {
        return AttentionOptions.read(term, where);
    }

    @Override
    public void wire(GraphWiring w, String output, MethodTerm t, TapInfo s, TapInfo te) {
        AttentionOptions o = (AttentionOptions) t.options();
        w.addLoss(
                output,
                s,
                new AttentionTransferLoss(
                        s.channels(), te.channels(), s.height(), s.width(), o.beta(), o.p(), t.weight()));
    }

    @Override
    public LabelLayout labels(Task task, TapInfo teacher) {
        return LabelLayout.TEACHER;
    }
}
