package io.distill4j.manifest;

import java.util.List;
import java.util.Map;

/**
 * {@code teacher-cache/<fingerprint>/_manifest.json}, written by cache-teacher.
 *
 * @param fingerprint the teacher fingerprint the cache was computed with (also its directory name)
 * @param teacher     the teacher's model file (teacher.zip or the ONNX file)
 * @param engine      what ran the teacher: dl4j | onnx-runtime (null in caches of older versions)
 * @param onnx        what the configuration said about an ONNX teacher; null for a DL4J teacher
 * @param shards      the shards it was computed on; their content fingerprint is the provenance
 *                    input "shards", which distill and evaluate compare with the shards they read
 * @param count       samples per split
 * @param rows        rows per split (samples x outputs)
 */
public record CacheManifest(
        String stage,
        String created,
        Provenance provenance,
        String fingerprint,
        String teacher,
        String engine,
        OnnxTeacher onnx,
        String preprocessing,
        String view,
        String shards,
        String task,
        List<CachedOutput> outputs,
        Map<String, Long> count,
        Map<String, Long> rows)
        implements StageManifest {
    public static final String STAGE = "cache-teacher";

    /** An ONNX teacher's input name, preprocessing and output map, as the run resolved them. */
    public record OnnxTeacher(String input, String preprocessing, String description) {}

    /** One cached teacher output: its name, the teacher vertex, the codec and the CHW shape. */
    public record CachedOutput(String name, String vertex, String codec, List<Integer> shape) {}
}
