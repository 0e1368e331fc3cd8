package io.distill4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.distill4j.model.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The start-up check of an ONNX file: resolves what the configuration leaves blank from the file's
 * distill4j metadata, then refuses, naming the configuration key, a file whose input or outputs do
 * not fit: unknown names, an input that is not float32 rank 4 of the configured size, outputs of
 * another stride, a class count or task other than the shards'. Ends with one forward pass on a
 * blank image to learn each output's shape. Runs on the driver, before any Spark job starts.
 */
public final class OnnxModels {
    private OnnxModels() {}

    /**
     * What the shards and the stage expect of the file.
     *
     * @param task    "segmentation" or "detection" ({@link Task#id()})
     * @param height  the shards' image height
     * @param width   the shards' image width
     * @param classes segmentation classes, or detection categories (heatmap channels)
     */
    public record Expectation(String task, int height, int width, int classes) {
        public Expectation {
            Task.byId(task); // refuses a name no task has
        }
    }

    /**
     * @param bytes    the file's content
     * @param settings what the configuration says ({@code keyPrefix}.input, .height, ...)
     * @param keyPrefix the configuration key the settings come from, for messages (e.g. distill4j.teacher.onnx)
     */
    public static OnnxModelSpec resolve(
            byte[] bytes, OnnxModelSettings settings, String keyPrefix, Expectation expect) {
        String src = settings.path();
        try (OrtSession session = OnnxSessions.open(bytes, 1, src)) {
            OnnxMetadata meta = OnnxMetadata.of(session.getMetadata().getCustomMetadata(), src);
            if (meta.task() != null && !meta.task().equals(expect.task())) {
                throw new OnnxModelException(keyPrefix + ".path: " + src + " says it is a " + meta.task() + " model ("
                        + OnnxMetadata.TASK + ") but the shards hold a " + expect.task() + " dataset");
            }
            if (meta.classes() != null && meta.classes() != expect.classes()) {
                throw new OnnxModelException(keyPrefix + ".path: " + src + " has " + meta.classes() + " classes ("
                        + OnnxMetadata.CLASSES + ") but the shards have " + expect.classes());
            }
            Map<String, NodeInfo> inputs = session.getInputInfo();
            String input = pickInput(settings, meta, inputs.keySet(), keyPrefix, src);
            OnnxPreprocessing pre = settings.preprocessing() != null ? settings.preprocessing() : meta.preprocessing();
            if (pre == null) {
                throw new OnnxModelException(
                        keyPrefix + ".preprocessing: " + src + " carries no " + OnnxMetadata.PREPROCESSING
                                + " metadata; say how its input is made, e.g. \"bgr;nchw;scale=1;mean=103.53,116.28,123.675;std=57.375,57.12,58.395\"");
            }
            int h = settings.height() > 0 ? settings.height() : expect.height();
            int w = settings.width() > 0 ? settings.width() : expect.width();
            if (h != expect.height() || w != expect.width()) {
                throw new OnnxModelException(keyPrefix + ".height/width: " + h + "x" + w + " but the shards are "
                        + expect.height() + "x" + expect.width()
                        + " (images are fed as sharded, not resized); reshard at the size " + src + " expects");
            }
            int maxBatch = checkInput(inputs.get(input), input, pre, h, w, keyPrefix, src);
            List<OnnxOutput> outputs = settings.outputs().isEmpty() ? meta.outputs() : settings.outputs();
            Set<String> fileOutputs = session.getOutputNames();
            if (outputs.isEmpty()) {
                throw new OnnxModelException(keyPrefix + ".outputs: " + src + " carries no " + OnnxMetadata.OUTPUTS
                        + " metadata; map its outputs " + fileOutputs
                        + " to distill4j names and strides, e.g. [{onnx = \""
                        + fileOutputs.iterator().next() + "\", name = \"logits\", stride = 4}]");
            }
            Set<String> names = new HashSet<>();
            for (OnnxOutput o : outputs) {
                if (!fileOutputs.contains(o.onnxName())) {
                    throw new OnnxModelException(keyPrefix + ".outputs: '" + o.onnxName() + "' is not an output of "
                            + src + " (outputs: " + fileOutputs + ")");
                }
                if (!names.add(o.name())) {
                    throw new OnnxModelException(keyPrefix + ".outputs: two outputs are named '" + o.name() + "'");
                }
            }
            Map<String, int[]> shapes = probe(session, input, pre, h, w, outputs, keyPrefix, src);
            checkHeads(shapes, expect, keyPrefix, src);
            return new OnnxModelSpec(src, input, h, w, pre, outputs, shapes, maxBatch);
        } catch (OrtException e) {
            throw new OnnxModelException(
                    keyPrefix + ".path: ONNX Runtime cannot run " + src + ": " + e.getMessage(), e);
        }
    }

    private static String pickInput(
            OnnxModelSettings settings, OnnxMetadata meta, Set<String> inputs, String keyPrefix, String src) {
        if (inputs.size() != 1) {
            throw new OnnxModelException(keyPrefix + ".path: " + src + " has inputs " + inputs
                    + "; distill4j feeds exactly one image tensor");
        }
        String input = !settings.input().isBlank()
                ? settings.input()
                : meta.input() != null ? meta.input() : inputs.iterator().next();
        if (!inputs.contains(input)) {
            throw new OnnxModelException(
                    keyPrefix + ".input: '" + input + "' is not an input of " + src + " (inputs: " + inputs + ")");
        }
        return input;
    }

    /** @return the largest batch the input accepts */
    private static int checkInput(
            NodeInfo node, String input, OnnxPreprocessing pre, int h, int w, String keyPrefix, String src) {
        ValueInfo info = node.getInfo();
        if (!(info instanceof TensorInfo t)
                || t.type != ai.onnxruntime.OnnxJavaType.FLOAT
                || t.getShape().length != 4) {
            throw new OnnxModelException(keyPrefix + ".input: '" + input + "' of " + src + " is " + info
                    + "; expected a float32 tensor of rank 4");
        }
        long[] shape = t.getShape();
        long[] want = pre.shape(-1, h, w);
        for (int d = 1; d < 4; d++) {
            if (shape[d] > 0 && shape[d] != want[d]) {
                throw new OnnxModelException(keyPrefix + ".input: '" + input + "' of " + src + " has shape "
                        + Arrays.toString(shape) + " but " + keyPrefix + " (layout " + (pre.nhwc() ? "nhwc" : "nchw")
                        + ", "
                        + h + "x" + w + ") feeds " + Arrays.toString(want).replace("-1", "N"));
            }
        }
        return shape[0] > 0 ? (int) shape[0] : Integer.MAX_VALUE;
    }

    private static Map<String, int[]> probe(
            OrtSession session,
            String input,
            OnnxPreprocessing pre,
            int h,
            int w,
            List<OnnxOutput> outputs,
            String keyPrefix,
            String src)
            throws OrtException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        float[] blank = new float[3 * h * w];
        pre.apply(new byte[3 * h * w], h, w, blank, 0);
        Set<String> wanted = new java.util.LinkedHashSet<>();
        for (OnnxOutput o : outputs) wanted.add(o.onnxName());
        try (OnnxTensor x = OnnxTensor.createTensor(
                        OnnxSessions.environment(), java.nio.FloatBuffer.wrap(blank), pre.shape(1, h, w));
                OrtSession.Result r = session.run(Map.of(input, x), wanted)) {
            for (OnnxOutput o : outputs) {
                long[] s = ((TensorInfo) r.get(o.onnxName()).orElseThrow().getInfo()).getShape();
                if (s.length != 4 || s[0] != 1) {
                    throw new OnnxModelException(keyPrefix + ".outputs: '" + o.onnxName() + "' of " + src
                            + " has shape " + Arrays.toString(s) + " for one image; expected NCHW [1, C, H, W]");
                }
                if (s[2] * o.stride() != h || s[3] * o.stride() != w) {
                    throw new OnnxModelException(
                            keyPrefix + ".outputs: '" + o.onnxName() + "' of " + src + " is " + s[2] + "x" + s[3]
                                    + " for a " + h + "x" + w + " input, which is not stride " + o.stride());
                }
                shapes.put(o.name(), new int[] {(int) s[1], (int) s[2], (int) s[3]});
            }
        }
        return shapes;
    }

    /** Class logits must have one channel per class; CenterNet's box regression has four. */
    private static void checkHeads(Map<String, int[]> shapes, Expectation expect, String keyPrefix, String src) {
        Map<String, Integer> channels = Task.byId(expect.task()).headChannels(expect.classes());
        List<String> wrong = new ArrayList<>();
        channels.forEach((name, c) -> {
            int[] s = shapes.get(name);
            if (s != null && s[0] != c) wrong.add("'" + name + "' has " + s[0] + " channels, the shards need " + c);
        });
        if (!wrong.isEmpty())
            throw new OnnxModelException(keyPrefix + ".outputs: " + src + ": " + String.join("; ", wrong));
    }
}
