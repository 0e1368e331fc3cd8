package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A shard size the networks cannot take is refused at start-up, naming the key, not later in distill. */
class ShardSizeRuleTest {
    @Test
    void sizeOffTheStrideGridIsRefusedNamingTheKeyAndASizeThatWorks() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(
                        null,
                        List.of(
                                "shard.height=60",
                                "shard.width=128",
                                "model.teacher.output-stride=4",
                                "model.student.output-stride=4")));
        assertTrue(
                e.getMessage()
                        .startsWith("distill4j.shard.height: shard size 60x128 (HxW) cannot feed the models: "
                                + "height and width must be multiples of 16"),
                e.getMessage());
        assertTrue(e.getMessage().contains("e.g. 64x128") && e.getMessage().contains("command-line"), e.getMessage());

        ConfigException width = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(
                        null,
                        List.of(
                                "shard.height=64",
                                "shard.width=120",
                                "model.teacher.output-stride=8",
                                "model.student.output-stride=4")));
        assertTrue(
                width.getMessage().startsWith("distill4j.shard.width: ")
                        && width.getMessage().contains("multiples of 32")
                        && width.getMessage().contains("e.g. 64x128"),
                width.getMessage());
    }

    @Test
    void sizesTheNetworksTakeAreAccepted() {
        Distill4jConfig c = ConfigLoader.load(
                null,
                List.of(
                        "shard.height=48",
                        "shard.width=80",
                        "model.teacher.output-stride=4",
                        "model.student.output-stride=8"));
        assertEquals(48, c.shard().height());
        // every experiment shipped in conf/ still loads
        for (File f : new File("conf").listFiles((d, n) -> n.endsWith(".conf"))) {
            assertDoesNotThrow(() -> ConfigLoader.load(f, List.of()), f.toString());
        }
    }
}
