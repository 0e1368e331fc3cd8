package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.method.HolisticOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class HolisticOptionsTest {

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

    @Test
    void holisticTermWithoutExtraKeysGetsWganGpDefaults() {
        DistillTerm t = only("{kind=holistic, student-tap=logits, teacher-output=logits, weight=0.1}");
        assertEquals(DistillTerm.Kind.HOLISTIC, t.kind());
        assertEquals(HolisticOptions.DEFAULTS, t.options(HolisticOptions.class));
        assertEquals(10.0, t.options(HolisticOptions.class).gradientPenalty());
        assertEquals(1e-4, t.options(HolisticOptions.class).learningRate());
        assertEquals("holistic@logits", t.outputName());
    }

    @Test
    void holisticTermReadsEveryCriticKey() {
        DistillTerm t = only("{kind=Holistic, student-tap=logits, teacher-output=logits, weight=0.1, critic-steps=7,"
                + " critic-warmup-steps=0, critic-batch=3, critic-images=12, critic-learning-rate=0.001,"
                + " gradient-penalty=5, critic-hidden=8, critic-kernel=5}");
        assertEquals(new HolisticOptions(7, 0, 3, 12, 0.001, 5.0, 8, 5), t.options(HolisticOptions.class));
    }

    @Test
    void criticKeysOnAnotherKindAreUnknown() {
        String m = refused("{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, critic-steps=2}");
        assertTrue(m.contains("distill4j.distill.terms[0]") && m.contains("critic-steps"), m);
        String d = refused("{kind=darkrank, student-tap=logits, teacher-output=logits, weight=1, gradient-penalty=2}");
        assertTrue(d.contains("gradient-penalty"), d);
    }

    @Test
    void invalidCriticSettingsAreRefusedNamingTheKey() {
        String head = "{kind=holistic, student-tap=logits, teacher-output=logits, weight=0.1, ";
        assertTrue(refused(head + "critic-kernel=4}").contains("distill4j.distill.terms[0].critic-kernel"));
        assertTrue(refused(head + "critic-batch=0}").contains("distill4j.distill.terms[0].critic-batch"));
        assertTrue(refused(head + "critic-images=0}").contains(".critic-images"));
        assertTrue(refused(head + "critic-hidden=0}").contains(".critic-hidden"));
        assertTrue(refused(head + "critic-steps=-1}").contains(".critic-steps"));
        assertTrue(refused(head + "critic-steps=0, critic-warmup-steps=0}").contains("never train"));
        assertTrue(refused(head + "critic-learning-rate=0}").contains(".critic-learning-rate"));
        assertTrue(refused(head + "gradient-penalty=-1}").contains(".gradient-penalty"));
        only(head + "gradient-penalty=0, critic-steps=0}");
    }
}
