package io.distill4j.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigException;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.DistillTerm;
import io.distill4j.distill.AttentionTransferLoss;
import io.distill4j.distill.PairwiseSimilarityLoss;
import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.SegmentationModel;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.train.SegmentationObjective;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** The methods' own options: read with defaults, refused naming the key, and carried into the loss they configure. */
class DistillMethodOptionsTest {

    private static DistillTerm only(String term) {
        List<DistillTerm> terms = ConfigLoader.load(null, List.of("distill.terms=[" + term + "]"))
                .distill()
                .terms();
        assertEquals(1, terms.size());
        return terms.get(0);
    }

    private static String refused(String term) {
        return assertThrows(ConfigException.class, () -> only(term)).getMessage();
    }

    private static ModelBlueprint student() {
        return SegmentationModel.blueprint(
                new ModelSpec(Task.SEGMENTATION, "s", 4, 1, 4, 19, 16, 32, 1L, ContextHead.NONE, 0.01));
    }

    /** The loss of the graph output named {@code output}. */
    private static ILossFunction lossOf(SegmentationObjective o, String output) {
        LayerVertex v = (LayerVertex) o.configuration().getVertices().get(output);
        return v.getLayerConf().getLayer() instanceof LossLayer l
                ? l.getLossFn()
                : ((BaseOutputLayer) v.getLayerConf().getLayer()).getLossFn();
    }

    @Test
    void everyKindIsOneMethodWithItsOwnId() {
        Set<String> ids = new HashSet<>();
        for (DistillTerm.Kind k : DistillTerm.Kind.values()) {
            assertTrue(ids.add(k.id()), "two kinds named " + k.id());
            assertTrue(k.method().tasks().contains(Task.SEGMENTATION), k.id());
            assertEquals(k.method().defaultOptions(), new DistillTerm(k, "logits", "logits", 1, 1).options());
        }
    }

    @Test
    void attentionTransferTakesBetaAndPWithThePapersDefaults() {
        String head = "{kind=at, student-tap=neck, teacher-output=neck, weight=1";
        assertEquals(new AttentionOptions(1000.0, 2.0), only(head + "}").options());
        assertEquals(
                new AttentionOptions(50.0, 1.5),
                only(head + ", beta=50, p=1.5}").options());
        assertTrue(refused(head + ", p=0.5}").contains("distill4j.distill.terms[0].p"));
        assertTrue(refused(head + ", beta=0}").contains("distill4j.distill.terms[0].beta"));
        assertTrue(refused("{kind=cwd, student-tap=neck, teacher-output=neck, weight=1, p=2}")
                .contains("p"));
    }

    @Test
    void pairwiseTakesAPoolingCellThatNoPoolingByDefault() {
        String head = "{kind=pairwise, student-tap=neck, teacher-output=neck, weight=1";
        assertEquals(new PairwiseOptions(0), only(head + "}").options());
        assertEquals(new PairwiseOptions(2), only(head + ", pool=2}").options());
        assertTrue(refused(head + ", pool=-1}").contains("distill4j.distill.terms[0].pool"));
    }

    @Test
    void attentionAndPairwiseOptionsReachTheirLosses() {
        ModelBlueprint student = student();
        TapInfo neck = student.tap("neck");
        TapInfo teacherNeck = new TapInfo("neck", "t_neck", 24, neck.height(), neck.width());
        DistillTerm at = new DistillTerm(DistillTerm.Kind.AT, "neck", "neck", 0.5, 1, new AttentionOptions(50.0, 1.5));
        DistillTerm pw = new DistillTerm(DistillTerm.Kind.PAIRWISE, "neck", "neck", 2, 1, new PairwiseOptions(2));
        SegmentationObjective o = SegmentationObjective.of(student, Map.of("neck", teacherNeck), List.of(at, pw));
        assertEquals(
                new AttentionTransferLoss(neck.channels(), 24, neck.height(), neck.width(), 50.0, 1.5, 0.5),
                lossOf(o, "at@neck"));
        assertEquals(
                new PairwiseSimilarityLoss(neck.channels(), 24, neck.height(), neck.width(), 2, 2.0),
                lossOf(o, "pairwise@neck"));
    }

    @Test
    void aPoolingCellThatDoesNotDivideTheTapIsRefusedNamingTheTerm() {
        ModelBlueprint student = student();
        TapInfo neck = student.tap("neck");
        int pool = neck.height() + 1;
        DistillTerm pw = new DistillTerm(DistillTerm.Kind.PAIRWISE, "neck", "neck", 1, 1, new PairwiseOptions(pool));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SegmentationObjective.of(student, Map.of("neck", neck), List.of(pw)));
        assertTrue(e.getMessage().contains("pairwise@neck") && e.getMessage().contains("pool " + pool), e.getMessage());
    }
}
