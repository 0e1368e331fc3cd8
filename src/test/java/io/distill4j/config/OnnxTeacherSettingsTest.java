package io.distill4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.onnx.OnnxOutput;
import io.distill4j.onnx.OnnxPreprocessing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** teacher.onnx: parsed once into typed settings, every refusal naming its key. */
class OnnxTeacherSettingsTest {
    private static TeacherSettings teacher(String... overrides) {
        return ConfigLoader.load(null, List.of(overrides)).teacher();
    }

    @Test
    void defaultsMeanTheDl4jTeacher() {
        TeacherSettings t = teacher();
        assertFalse(t.isOnnx());
        assertNull(t.onnx().preprocessing(), "blank preprocessing = from the file's metadata");
        assertEquals(List.of(), t.onnx().outputs());
    }

    @Test
    void everyPartIsParsed() {
        TeacherSettings t = teacher(
                "teacher.onnx.path=\"s3a://bucket/t.onnx\"",
                "teacher.onnx.input=input",
                "teacher.onnx.preprocessing=\"bgr;nchw;scale=1;mean=103.53,116.28,123.675;std=57.375,57.12,58.395\"",
                "teacher.onnx.outputs=[{onnx=seg_out, name=logits, stride=4}, {onnx=feat, name=neck, stride=8}]");
        assertTrue(t.isOnnx());
        assertEquals("s3a://bucket/t.onnx", t.onnx().path());
        assertEquals("input", t.onnx().input());
        assertTrue(t.onnx().preprocessing().bgr());
        assertEquals(1f, t.onnx().preprocessing().scale());
        assertEquals(
                List.of(new OnnxOutput("seg_out", "logits", 4), new OnnxOutput("feat", "neck", 8)),
                t.onnx().outputs());
        assertEquals(
                OnnxPreprocessing.DISTILL4J,
                teacher("teacher.onnx.preprocessing=distill4j").onnx().preprocessing());
    }

    @Test
    void badValuesNameTheirKey() {
        String m = assertThrows(
                        ConfigException.class, () -> teacher("teacher.onnx.preprocessing=\"rgb;nchw;mean=1,2,3\""))
                .getMessage();
        assertTrue(m.startsWith("distill4j.teacher.onnx.preprocessing: "), m);
        m = assertThrows(ConfigException.class, () -> teacher("teacher.onnx.outputs=[{onnx=a, name=logits, stride=0}]"))
                .getMessage();
        assertTrue(m.startsWith("distill4j.teacher.onnx.outputs[0].stride: must be in 1..1024"), m);
        m = assertThrows(
                        ConfigException.class, () -> teacher("teacher.onnx.outputs=[{onnx=a, name=logits, strides=4}]"))
                .getMessage();
        assertTrue(m.startsWith("distill4j.teacher.onnx.outputs[0]: unknown key(s) [strides]"), m);
        m = assertThrows(ConfigException.class, () -> teacher("teacher.onnx.height=-1"))
                .getMessage();
        assertTrue(m.startsWith("distill4j.teacher.onnx.height: must be in 0..65536"), m);
    }
}
