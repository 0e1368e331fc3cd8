package io.distill4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key-value metadata in the footer of every shard Parquet file: what a reader needs to decode
 * the image and label columns and name the classes without the shards' manifest. Values are plain
 * strings or JSON; docs/data-formats.md and docs/cache-format.md list them.
 */
public final class ShardFooter {
    public static final String PREFIX = "distill4j.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardFooter() {}

    /**
     * @param dataset      cityscapes or coco
     * @param split        the split the file belongs to
     * @param classes      class names in label order (Cityscapes trainIds; COCO contiguous indices)
     * @param imageFormat  the image column's layout (e.g. uint8-chw-rgb)
     * @param height       stored image height
     * @param width        stored image width
     * @param compression  the Parquet codec the shards were written with
     * @param fingerprint  the shards' content fingerprint (what later stages record)
     */
    public static Map<String, String> of(
            String dataset,
            String split,
            List<String> classes,
            String imageFormat,
            int height,
            int width,
            String compression,
            String fingerprint) {
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put(PREFIX + "stage", "shard");
        kv.put(PREFIX + "dataset", dataset);
        kv.put(PREFIX + "split", split);
        try {
            kv.put(PREFIX + "classes", JSON.writeValueAsString(classes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        kv.put(PREFIX + "image.format", imageFormat);
        kv.put(PREFIX + "image.height", Integer.toString(height));
        kv.put(PREFIX + "image.width", Integer.toString(width));
        kv.put(
                PREFIX + "preprocessing",
                "resize=" + height + "x" + width + " (image bilinear with half-pixel centres, "
                        + "labels nearest, boxes stretched); stored unnormalised");
        kv.put(PREFIX + "codec", compression);
        kv.put(PREFIX + "shards.fingerprint", fingerprint);
        kv.put(
                PREFIX + "layout",
                "image: H*W*3 bytes in C,H,W order (RGB planes); seg_label: H*W uint8 trainIds "
                        + "(255 = ignore); boxes: [x,y,w,h] per object in stored-image pixels; see data-formats.md");
        return kv;
    }
}
