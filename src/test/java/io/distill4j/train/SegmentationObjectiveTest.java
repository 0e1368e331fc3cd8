package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distill4j.config.DistillTerm;
import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.SegmentationModel;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentationObjectiveTest {
    @Test
    void twoTermsOfTheSameKindOnTheSameTapGetDistinctOutputs() {
        ModelBlueprint student = SegmentationModel.blueprint(
                new ModelSpec(Task.SEGMENTATION, "s", 4, 1, 4, 19, 16, 32, 1L, ContextHead.NONE, 0.01));
        TapInfo logits = student.tap("logits");
        DistillTerm soft = new DistillTerm(DistillTerm.Kind.PIXEL_KD, "logits", "logits", 1.0, 4.0);
        DistillTerm sharp = new DistillTerm(DistillTerm.Kind.PIXEL_KD, "logits", "logits", 0.5, 1.0);
        SegmentationObjective o = SegmentationObjective.of(student, Map.of("logits", logits), List.of(soft, sharp));
        assertEquals(List.of("task", "pixel-kd@logits", "pixel-kd@logits#2"), o.outputNames());
        assertEquals(o.outputNames(), o.configuration().getNetworkOutputs());
    }
}
