package io.distill4j.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key-value metadata in the footer of every teacher-cache Parquet file: what a reader needs to
 * decode and name the tensors without distill4j's manifest (pyarrow's {@code schema.metadata},
 * DuckDB's {@code parquet_kv_metadata}). Values are plain strings or JSON; docs/cache-format.md
 * lists them.
 */
public final class CacheFooter {
    public static final String PREFIX = "distill4j.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CacheFooter() {}

    /** One cached output: its codec spec and the decoded [C, H, W] shape. */
    public record Output(String codec, int[] shape) {}

    /**
     * @param fingerprint   the teacher's fingerprint (the cache directory's name)
     * @param task          segmentation or detection
     * @param classes       class names in channel order
     * @param preprocessing how shard images became the teacher's input
     * @param view          the view of the image the outputs were computed on
     * @param outputs       output name (the {@code output} column) to its codec and shape
     */
    public static Map<String, String> of(
            String fingerprint,
            String task,
            List<String> classes,
            String preprocessing,
            String view,
            Map<String, Output> outputs) {
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put(PREFIX + "stage", "cache-teacher");
        kv.put(PREFIX + "teacher.fingerprint", fingerprint);
        kv.put(PREFIX + "task", task);
        kv.put(PREFIX + "classes", json(classes));
        kv.put(PREFIX + "preprocessing", preprocessing);
        kv.put(PREFIX + "view", view);
        ObjectNode o = JSON.createObjectNode();
        outputs.forEach((name, out) -> {
            ObjectNode n = o.putObject(name);
            n.put("codec", out.codec());
            var shape = n.putArray("shape");
            for (int d : out.shape()) shape.add(d);
        });
        kv.put(PREFIX + "outputs", json(o));
        kv.put(
                PREFIX + "layout",
                "one row per (sample_id, output); data holds the codec's little-endian payload of the "
                        + "[C,H,W] tensor in C order (fp32 <f4, fp16 <f2, int8 i1 with per-channel scale, topk:K); see cache-format.md");
        return kv;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
