package io.distill4j.eval.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectorClassesTest {
    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void heatmapChannelsFollowTheManifestIndexNotTheListOrder() throws Exception {
        DetectorClasses c = DetectorClasses.fromManifest(
                json(
                        """
                [{"index": 1, "id": 18, "name": "dog"}, {"index": 0, "id": 3, "name": "car"},
                 {"index": 2, "id": 90, "name": "toothbrush"}]"""),
                "shards/_manifest.json");
        assertArrayEquals(new int[] {3, 18, 90}, c.categoryIds());
        assertEquals(Map.of(3, "car", 18, "dog", 90, "toothbrush"), c.names());
    }

    @Test
    void aRepeatedIndexIsRefusedNamingTheManifest() throws Exception {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> DetectorClasses.fromManifest(
                        json("[{\"index\": 0, \"id\": 1}, {\"index\": 0, \"id\": 2}]"), "shards/_manifest.json"));
        assertTrue(e.getMessage().contains("shards/_manifest.json"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DetectorClasses.fromManifest(json("[]"), "m"));
    }
}
