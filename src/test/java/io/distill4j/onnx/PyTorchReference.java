package io.distill4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files src/test/python/export_onnx_teachers.py wrote for one model: the .onnx, the fixed
 * test images (as shard samples) and PyTorch's outputs on them.
 */
public record PyTorchReference(Path onnx, JsonNode json, List<ShardRecord> images) {
    public static final Path DIR = Path.of("src/test/resources/onnx");

    public static PyTorchReference load(String name) {
        try {
            JsonNode j = new ObjectMapper().readTree(DIR.resolve(name + ".json").toFile());
            JsonNode s = j.path("images_shape");
            int n = s.get(0).asInt();
            int h = s.get(2).asInt();
            int w = s.get(3).asInt();
            byte[] all = Files.readAllBytes(DIR.resolve(j.path("images").asText()));
            List<ShardRecord> images = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] one = java.util.Arrays.copyOfRange(all, i * 3 * h * w, (i + 1) * 3 * h * w);
                images.add(new ShardRecord(
                        name + "/" + i,
                        "test",
                        "train",
                        h,
                        w,
                        h,
                        w,
                        one,
                        // The reference runs only the forward pass: the labels are never read.
                        new SegmentationLabels(new byte[h * w]),
                        "test://" + name + "/" + i));
            }
            return new PyTorchReference(DIR.resolve(j.path("onnx").asText()), j, images);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] bytes() {
        try {
            return Files.readAllBytes(onnx);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PyTorch's output {@code onnxName} for image {@code i}, CHW. */
    public float[] output(String onnxName, int i) {
        JsonNode o = json.path("outputs").path(onnxName);
        JsonNode s = o.path("shape");
        int per = s.get(1).asInt() * s.get(2).asInt() * s.get(3).asInt();
        try {
            ByteBuffer b = ByteBuffer.wrap(
                            Files.readAllBytes(DIR.resolve(o.path("file").asText())))
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[per];
            b.position(i * per * 4);
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Largest |a - b| over the tensor's largest magnitude (the scale-relative error). */
    public static double relativeError(float[] actual, float[] expected) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(actual[i] - expected[i]));
        }
        return err / Math.max(max, 1e-12);
    }
}
