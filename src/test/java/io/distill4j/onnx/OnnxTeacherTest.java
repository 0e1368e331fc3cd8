package io.distill4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.cache.CacheRow;
import io.distill4j.cache.TeacherInference;
import io.distill4j.data.ShardRecord;
import io.distill4j.tensor.TensorCodec;
import io.distill4j.tensor.TensorCodecs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime against PyTorch on the files export_onnx_teachers.py wrote, through the code
 * cache-teacher runs (preprocessing, batched forward, the fp32 codec), and the start-up refusals
 * of files that do not fit their configuration. No Spark.
 */
class OnnxTeacherTest {
    static final String KEY = "distill4j.teacher.onnx";
    /** The seg teacher's own preprocessing: BGR, 0-255, detectron2's mean/std. */
    static final OnnxPreprocessing DETECTRON =
            OnnxPreprocessing.parse("bgr;nchw;scale=1;mean=103.53,116.28,123.675;std=57.375,57.12,58.395");

    static final List<OnnxOutput> SEG_OUTPUTS =
            List.of(new OnnxOutput("seg_out", "logits", 4), new OnnxOutput("feat", "neck", 4));
    static final OnnxModels.Expectation SEG = new OnnxModels.Expectation("segmentation", 32, 64, 19);
    static final OnnxModels.Expectation DET = new OnnxModels.Expectation("detection", 96, 96, 5);

    static OnnxModelSettings segSettings(PyTorchReference ref) {
        return new OnnxModelSettings(ref.onnx().toString(), "input", 0, 0, DETECTRON, SEG_OUTPUTS);
    }

    /** What cache-teacher stores for each sample, decoded again: output name -> CHW floats. */
    static List<Map<String, float[]>> cachedFp32(OnnxModelSpec spec, byte[] bytes, List<ShardRecord> samples, int batch)
            throws OrtException {
        try (OrtSession session = OnnxSessions.open(bytes, 1, spec.source())) {
            List<Map<String, float[]>> values =
                    TeacherInference.run(new OnnxForward(session, spec), samples, spec.names(), batch);
            TensorCodec fp32 = TensorCodecs.forSpec("fp32");
            List<Map<String, float[]>> decoded = new java.util.ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                Map<String, String> names = new java.util.LinkedHashMap<>();
                Map<String, TensorCodec> codecs = new java.util.LinkedHashMap<>();
                for (String n : spec.names()) {
                    names.put(n, n);
                    codecs.put(n, fp32);
                }
                Map<String, float[]> one = new java.util.LinkedHashMap<>();
                for (CacheRow row : TeacherInference.rows(
                        samples.get(i).sampleId(), "v", values.get(i), spec.shapes(), names, codecs)) {
                    one.put(row.output(), fp32.decode(row.tensor()));
                }
                decoded.add(one);
            }
            return decoded;
        }
    }

    @Test
    void pyTorchSegmentationTeacherCachedOutputsEqualPyTorchsWithinScaledTolerance() throws Exception {
        PyTorchReference ref = PyTorchReference.load("seg_teacher");
        OnnxModelSpec spec = OnnxModels.resolve(ref.bytes(), segSettings(ref), KEY, SEG);
        assertArrayEquals(new int[] {19, 8, 16}, spec.shapes().get("logits"));
        assertArrayEquals(new int[] {16, 8, 16}, spec.shapes().get("neck"));
        // batch 2 over 3 images: a full and a partial minibatch
        List<Map<String, float[]>> cached = cachedFp32(spec, ref.bytes(), ref.images(), 2);
        for (int i = 0; i < ref.images().size(); i++) {
            double logits = PyTorchReference.relativeError(cached.get(i).get("logits"), ref.output("seg_out", i));
            double neck = PyTorchReference.relativeError(cached.get(i).get("neck"), ref.output("feat", i));
            assertTrue(logits <= 1e-4, "image " + i + " logits: relative error " + logits);
            assertTrue(neck <= 1e-4, "image " + i + " neck: relative error " + neck);
        }
    }

    @Test
    void aWrongChannelOrderShowsInTheComparison() throws Exception {
        // The check above can fail: the same file fed RGB instead of its BGR is far from PyTorch.
        PyTorchReference ref = PyTorchReference.load("seg_teacher");
        OnnxPreprocessing rgb =
                new OnnxPreprocessing(false, false, DETECTRON.scale(), DETECTRON.mean(), DETECTRON.std());
        OnnxModelSpec spec = OnnxModels.resolve(
                ref.bytes(), new OnnxModelSettings(ref.onnx().toString(), "input", 0, 0, rgb, SEG_OUTPUTS), KEY, SEG);
        List<Map<String, float[]>> cached =
                cachedFp32(spec, ref.bytes(), ref.images().subList(0, 1), 1);
        assertTrue(PyTorchReference.relativeError(cached.get(0).get("logits"), ref.output("seg_out", 0)) > 1e-2);
    }

    @Test
    void conventionFileNeedsNothingButItsPath() throws Exception {
        PyTorchReference ref = PyTorchReference.load("det_teacher");
        OnnxModelSpec spec = OnnxModels.resolve(
                ref.bytes(), OnnxModelSettings.fromFile(ref.onnx().toString()), KEY, DET);
        assertEquals("image", spec.input());
        assertEquals(OnnxPreprocessing.DISTILL4J, spec.preprocessing());
        assertEquals(List.of("heatmap", "reg"), spec.names());
        List<Map<String, float[]>> cached = cachedFp32(spec, ref.bytes(), ref.images(), 3);
        for (int i = 0; i < ref.images().size(); i++) {
            for (String o : List.of("heatmap", "reg")) {
                double e = PyTorchReference.relativeError(cached.get(i).get(o), ref.output(o, i));
                assertTrue(e <= 1e-4, "image " + i + " " + o + ": relative error " + e);
            }
        }
    }

    @Test
    void distill4jPreprocessingIsTheDl4jModelsInput() {
        // The convention's preprocessing must be bit for bit what DL4J models get (Examples.image).
        PyTorchReference ref = PyTorchReference.load("det_teacher");
        ShardRecord r = ref.images().get(0);
        float[] mine = new float[3 * r.height() * r.width()];
        OnnxPreprocessing.DISTILL4J.apply(r.image(), r.height(), r.width(), mine, 0);
        assertArrayEquals(io.distill4j.train.Examples.image(r).dup('c').data().asFloat(), mine);
        assertEquals(OnnxPreprocessing.DISTILL4J, OnnxPreprocessing.parse(OnnxPreprocessing.DISTILL4J.toString()));
        assertEquals(
                OnnxPreprocessing.DISTILL4J,
                OnnxPreprocessing.parse(ref.json().path("preprocessing").asText()));
    }

    private static String refused(String file, OnnxModelSettings s, OnnxModels.Expectation e) {
        PyTorchReference ref = PyTorchReference.load(file);
        return assertThrows(OnnxModelException.class, () -> OnnxModels.resolve(ref.bytes(), s, KEY, e))
                .getMessage();
    }

    @Test
    void mismatchedFilesAreRefusedNamingTheKey() {
        String seg = PyTorchReference.DIR.resolve("seg_teacher.onnx").toString();
        String det = PyTorchReference.DIR.resolve("det_teacher.onnx").toString();
        String m = refused("seg_teacher", new OnnxModelSettings(seg, "image", 0, 0, DETECTRON, SEG_OUTPUTS), SEG);
        assertTrue(m.startsWith(KEY + ".input: 'image' is not an input of " + seg), m);
        m = refused(
                "seg_teacher",
                new OnnxModelSettings(seg, "", 0, 0, DETECTRON, List.of(new OnnxOutput("logits", "logits", 4))),
                SEG);
        assertTrue(m.startsWith(KEY + ".outputs: 'logits' is not an output of " + seg) && m.contains("seg_out"), m);
        m = refused(
                "seg_teacher",
                new OnnxModelSettings(seg, "", 0, 0, DETECTRON, List.of(new OnnxOutput("seg_out", "logits", 8))),
                SEG);
        assertTrue(m.startsWith(KEY + ".outputs: 'seg_out'") && m.contains("not stride 8"), m);
        m = refused("seg_teacher", new OnnxModelSettings(seg, "", 0, 0, null, SEG_OUTPUTS), SEG);
        assertTrue(m.startsWith(KEY + ".preprocessing: ") && m.contains("no distill4j.preprocessing"), m);
        m = refused("seg_teacher", new OnnxModelSettings(seg, "", 0, 0, DETECTRON, List.of()), SEG);
        assertTrue(m.startsWith(KEY + ".outputs: ") && m.contains("no distill4j.outputs"), m);
        m = refused("seg_teacher", new OnnxModelSettings(seg, "", 64, 128, DETECTRON, SEG_OUTPUTS), SEG);
        assertTrue(m.startsWith(KEY + ".height/width: 64x128 but the shards are 32x64"), m);
        // The file's input is fixed at 32x64: shards at another size are refused by the file itself.
        m = refused(
                "seg_teacher",
                new OnnxModelSettings(seg, "", 0, 0, DETECTRON, SEG_OUTPUTS),
                new OnnxModels.Expectation("segmentation", 64, 128, 19));
        assertTrue(m.startsWith(KEY + ".input: 'input' of " + seg + " has shape [-1, 3, 32, 64]"), m);
        m = refused(
                "seg_teacher",
                new OnnxModelSettings(seg, "", 0, 0, DETECTRON, SEG_OUTPUTS),
                new OnnxModels.Expectation("segmentation", 32, 64, 7));
        assertTrue(m.startsWith(KEY + ".outputs: ") && m.contains("'logits' has 19 channels, the shards need 7"), m);
        m = refused("det_teacher", OnnxModelSettings.fromFile(det), SEG);
        assertTrue(m.startsWith(KEY + ".path: " + det + " says it is a detection model"), m);
        m = refused(
                "det_teacher", OnnxModelSettings.fromFile(det), new OnnxModels.Expectation("detection", 96, 96, 80));
        assertTrue(m.startsWith(KEY + ".path: " + det + " has 5 classes"), m);
    }

    @Test
    void preprocessingStringsAreCheckedTokenByToken() {
        assertThrows(
                IllegalArgumentException.class, () -> OnnxPreprocessing.parse("rgb;nchw;scale=255;mean=1,2;std=1,1,1"));
        assertThrows(
                IllegalArgumentException.class, () -> OnnxPreprocessing.parse("rgb;scale=255;mean=1,2,3;std=1,1,1"));
        assertThrows(
                IllegalArgumentException.class,
                () -> OnnxPreprocessing.parse("rgb;nchw;scale=255;mean=1,2,3;std=1,0,1"));
        OnnxPreprocessing p = OnnxPreprocessing.parse(" BGR ; nhwc;scale=1;mean=1,2,3;std=2,2,2");
        assertTrue(p.bgr() && p.nhwc());
        // NHWC, BGR: mean/std follow the model's channel order, so pixel 0 is (b - 1)/2, (g - 2)/2, (r - 3)/2
        float[] out = new float[3 * 1 * 2];
        p.apply(new byte[] {11, 0, 21, 0, 31, 0}, 1, 2, out, 0);
        assertArrayEquals(new float[] {15f, 9.5f, 4f, -0.5f, -1f, -1.5f}, out);
    }
}
