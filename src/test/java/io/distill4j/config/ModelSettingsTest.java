package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** model.teacher / model.student: backbone, output stride and init, each error naming its key. */
class ModelSettingsTest {

    @Test
    void defaultsAreTheCompactBackboneWithoutInit() {
        Distill4jConfig c = ConfigLoader.load(null, List.of());
        assertEquals(
                new ModelSettings.Net(12, 1, 4, "compact", Optional.empty()),
                c.model().student());
        assertEquals("compact", c.model().teacher().backbone());
    }

    @Test
    void torchvisionBackboneWithInitIsRead() {
        Distill4jConfig c = ConfigLoader.load(
                null,
                List.of(
                        "model.student.backbone=ResNet18",
                        "model.student.output-stride=16",
                        "model.student.init=\"s3a://bucket/resnet18.onnx\"",
                        "model.teacher.backbone=mobilenetv2-0.5",
                        "model.teacher.output-stride=8"));
        assertEquals("resnet18", c.model().student().backbone());
        assertEquals(16, c.model().student().outputStride());
        assertEquals(
                Optional.of("s3a://bucket/resnet18.onnx"), c.model().student().init());
        assertEquals("mobilenetv2-0.5", c.model().teacher().backbone());
    }

    @Test
    void backboneSampleConfigLoads() {
        Distill4jConfig c = ConfigLoader.load(new java.io.File("conf/backbones-sample.conf"), List.of());
        assertEquals("resnet18", c.model().student().backbone());
        assertEquals(8, c.model().teacher().outputStride());
    }

    @Test
    void unknownBackboneNamesTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(null, List.of("model.student.backbone=resnet101")));
        assertTrue(
                e.getMessage()
                        .startsWith("distill4j.model.student.backbone: must be one of compact, resnet18, "
                                + "resnet34, resnet50, mobilenetv2"),
                e.getMessage());
    }

    @Test
    void outputStrideTheBackboneCannotBuildNamesTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(
                        null, List.of("model.teacher.backbone=resnet50", "model.teacher.output-stride=4")));
        assertEquals(
                "distill4j.model.teacher.output-stride: must be one of [8, 16, 32] for backbone resnet50, got 4",
                e.getMessage());
        e = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(null, List.of("model.student.output-stride=16")));
        assertTrue(
                e.getMessage()
                        .startsWith("distill4j.model.student.output-stride: must be one of [4, 8] for backbone "
                                + "compact"),
                e.getMessage());
    }

    @Test
    void initOnTheCompactBackboneIsRefused() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(null, List.of("model.student.init=\"x.onnx\"")));
        assertTrue(
                e.getMessage()
                        .startsWith("distill4j.model.student.init: the compact backbone has no pretrained weights"),
                e.getMessage());
    }
}
