package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.method.DarkRankOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class DarkRankOptionsTest {

    private static DistillTerm only(String term) {
        List<DistillTerm> terms = ConfigLoader.load(null, List.of("distill.terms=[" + term + "]"))
                .distill()
                .terms();
        assertEquals(1, terms.size());
        return terms.get(0);
    }

    private static ConfigException refused(String term) {
        return assertThrows(ConfigException.class, () -> only(term));
    }

    @Test
    void darkRankTermWithoutExtraKeysGetsThePapersDefaults() {
        DistillTerm t = only("{kind=darkrank, student-tap=logits, teacher-output=logits, weight=0.5}");
        assertEquals(DistillTerm.Kind.DARKRANK, t.kind());
        assertEquals(new DarkRankOptions(3.0, 3.0, 4, true), t.options(DarkRankOptions.class));
        assertEquals("darkrank@logits", t.outputName());
    }

    @Test
    void darkRankTermReadsAlphaBetaListSizeAndMode() {
        DistillTerm t = only("{kind=DarkRank, student-tap=logits, teacher-output=logits, weight=1, alpha=2, beta=1.5,"
                + " list-size=12, mode=HARD}");
        assertEquals(new DarkRankOptions(2.0, 1.5, 12, false), t.options(DarkRankOptions.class));
        assertEquals("hard", t.options(DarkRankOptions.class).mode());
    }

    @Test
    void darkRankKeysOnAnotherKindAreUnknown() {
        ConfigException e = refused("{kind=cwd, student-tap=logits, teacher-output=logits, weight=1, alpha=2}");
        assertTrue(
                e.getMessage().contains("distill4j.distill.terms[0]")
                        && e.getMessage().contains("alpha"),
                e.getMessage());
    }

    @Test
    void invalidDarkRankSettingsAreRefusedNamingTheKey() {
        String head = "{kind=darkrank, student-tap=logits, teacher-output=logits, weight=1, ";
        assertTrue(refused(head + "mode=medium}").getMessage().contains("distill4j.distill.terms[0].mode"));
        assertTrue(refused(head + "list-size=7}").getMessage().contains("distill4j.distill.terms[0].list-size"));
        assertTrue(refused(head + "list-size=1, mode=hard}").getMessage().contains(".list-size"));
        assertTrue(refused(head + "alpha=0}").getMessage().contains("distill4j.distill.terms[0].alpha"));
        assertTrue(refused(head + "beta=-1}").getMessage().contains("distill4j.distill.terms[0].beta"));
        only(head + "list-size=7, mode=hard}");
    }

    @Test
    void unknownKindListsDarkRankAmongTheKinds() {
        assertTrue(refused("{kind=rank, student-tap=logits, teacher-output=logits, weight=1}")
                .getMessage()
                .contains("darkrank"));
    }
}
