package io.distill4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TensorCodecsTest {
    @ParameterizedTest
    @ValueSource(strings = {"fp32", "fp16", "int8", "topk:1", "topk:4", "topk:300"})
    void everySpecRoundTripsThroughItsCodecName(String spec) {
        assertEquals(spec, TensorCodecs.forSpec(spec).name());
    }

    @Test
    void topkSpecCarriesK() {
        assertEquals(7, ((TopKCodec) TensorCodecs.forSpec("topk:7")).k());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "fp64",
                "FP16",
                "topk",
                "topk:",
                "topk:0",
                "topk:-1",
                "topk:four",
                "topk:4x",
                " fp16",
                "topk:99999999999",
                "topk:65536",
                ""
            })
    void badSpecsFailNamingTheSpec(String spec) {
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> TensorCodecs.forSpec(spec));
        assertTrue(err.getMessage().contains("'" + spec + "'"), err.getMessage());
    }

    @Test
    void missingSpecFailsListingTheAcceptedForms() {
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> TensorCodecs.forSpec(null));
        assertTrue(err.getMessage().contains(TensorCodecs.ACCEPTED), err.getMessage());
    }
}
