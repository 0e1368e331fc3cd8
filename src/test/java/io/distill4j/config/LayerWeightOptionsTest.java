package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.method.LayerWeightOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerWeightOptionsTest {

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

    private static final String LMCL =
            "{kind=l-mcl, student-tap=\"stage2,logits\", teacher-output=logits, weight=1, tau=0.1";

    @Test
    void lmclTermWithoutExtraKeysHasUniformWeights() {
        DistillTerm t = only(LMCL + "}");
        assertEquals(LayerWeightOptions.DEFAULTS, t.options(LayerWeightOptions.class));
        assertFalse(t.options(LayerWeightOptions.class).meta());
        assertEquals("uniform", t.options(LayerWeightOptions.class).mode());
        assertEquals(new LayerWeightOptions(false, 4, 1e-3, 0.01, 16), LayerWeightOptions.DEFAULTS);
        assertEquals(
                io.distill4j.method.MethodOptions.NONE,
                new DistillTerm(DistillTerm.Kind.MCL, "a", "b", 1, 1).options());
    }

    @Test
    void lmclTermReadsEveryMetaKey() {
        DistillTerm t = only(LMCL + ", layer-weights = Meta, meta-steps = 3, meta-learning-rate = 0.02,"
                + " meta-virtual-lr = 0.5, meta-dim = 8}");
        assertEquals(new LayerWeightOptions(true, 3, 0.02, 0.5, 8), t.options(LayerWeightOptions.class));
        assertEquals(
                LayerWeightOptions.metaDefaults(),
                only(LMCL + ", layer-weights = meta}").options(LayerWeightOptions.class));
    }

    @Test
    void metaKeysOnAnotherKindAreUnknown() {
        String m = refused("{kind=mcl, student-tap=logits, teacher-output=logits, weight=1, meta-steps=2}");
        assertTrue(m.contains("distill4j.distill.terms[0]") && m.contains("meta-steps"), m);
        String p = refused("{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, layer-weights=meta}");
        assertTrue(p.contains("layer-weights"), p);
    }

    @Test
    void invalidMetaSettingsAreRefusedNamingTheKey() {
        assertTrue(refused(LMCL + ", layer-weights = learned}").contains("distill4j.distill.terms[0].layer-weights"));
        assertTrue(refused(LMCL + ", meta-steps = 0}").contains("distill4j.distill.terms[0].meta-steps"));
        assertTrue(refused(LMCL + ", meta-dim = 0}").contains("distill4j.distill.terms[0].meta-dim"));
        assertTrue(
                refused(LMCL + ", meta-learning-rate = 0}").contains("distill4j.distill.terms[0].meta-learning-rate"));
        assertTrue(refused(LMCL + ", meta-virtual-lr = -1}").contains("distill4j.distill.terms[0].meta-virtual-lr"));
    }
}
