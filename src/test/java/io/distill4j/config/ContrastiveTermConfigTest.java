package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The mcl and l-mcl term kinds as a configuration writes them. */
class ContrastiveTermConfigTest {
    @Test
    void mclAndLayerWiseMclTermsAreReadFromTheConfiguration() {
        List<DistillTerm> terms = ConfigLoader.load(
                        null,
                        List.of(
                                "distill.terms=["
                                        + "{kind=mcl, student-tap=neck, teacher-output=logits, weight=0.5, tau=0.1},"
                                        + "{kind=l-mcl, student-tap=\"stage2,logits\", teacher-output=\"stage2,logits\", weight=1, tau=0.2}]"))
                .distill()
                .terms();
        assertEquals(new DistillTerm(DistillTerm.Kind.MCL, "neck", "logits", 0.5, 0.1), terms.get(0));
        assertEquals(new DistillTerm(DistillTerm.Kind.L_MCL, "stage2,logits", "stage2,logits", 1.0, 0.2), terms.get(1));
        assertTrue(terms.stream()
                .allMatch(t -> t.kind().teacherFree() && t.kind().method().viewsPerImage() == 2));
    }

    @Test
    void anUnknownKindListsEveryKindIncludingTheContrastiveOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                        null,
                        List.of("distill.terms=[{kind=mlc, student-tap=logits, teacher-output=logits, weight=1}]"))
                .distill());
        assertTrue(
                e.getMessage().contains("distill.terms[0].kind")
                        && e.getMessage().contains("mcl, l-mcl"),
                e.getMessage());
    }
}
