package io.distill4j.onnx;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An ONNX file resolved against the configuration and checked at start-up ({@link OnnxModels#resolve}):
 * everything an executor needs to feed it and name its outputs. Small; ships in task closures.
 *
 * @param source        the file, for messages and manifests
 * @param input         the input tensor's name
 * @param height        input height (= the shards' height)
 * @param width         input width
 * @param preprocessing how a shard image becomes the input
 * @param outputs       the outputs used, in order
 * @param shapes        per distill4j output name, its C, H, W for one sample
 * @param maxBatch      the largest batch the file accepts (its batch axis is fixed when not dynamic)
 */
public record OnnxModelSpec(
        String source,
        String input,
        int height,
        int width,
        OnnxPreprocessing preprocessing,
        List<OnnxOutput> outputs,
        Map<String, int[]> shapes,
        int maxBatch)
        implements Serializable {
    public OnnxModelSpec {
        outputs = List.copyOf(outputs);
        shapes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
    }

    /** The output mapped to a distill4j name, or null. */
    public OnnxOutput output(String name) {
        for (OnnxOutput o : outputs) if (o.name().equals(name)) return o;
        return null;
    }

    /** The same file computing only the outputs named (each must be mapped). */
    public OnnxModelSpec only(java.util.Collection<String> names) {
        List<OnnxOutput> kept =
                outputs.stream().filter(o -> names.contains(o.name())).toList();
        if (kept.size() != names.size())
            throw new IllegalArgumentException(source + ": outputs " + names + " are not all in " + names());
        Map<String, int[]> keptShapes = new LinkedHashMap<>();
        for (OnnxOutput o : kept) keptShapes.put(o.name(), shapes.get(o.name()));
        return new OnnxModelSpec(source, input, height, width, preprocessing, kept, keptShapes, maxBatch);
    }

    public List<String> names() {
        return outputs.stream().map(OnnxOutput::name).toList();
    }

    /**
     * Everything about how the file is fed and read, in a stable text form: part of the teacher
     * fingerprint, so a changed preprocessing or output map never reuses a cache.
     */
    public String describe() {
        return "input=" + input + ";size=" + height + "x" + width + ";preprocessing=" + preprocessing + ";outputs="
                + outputs.stream()
                        .map(o -> o.onnxName() + "->" + o.name() + "@" + o.stride())
                        .collect(Collectors.joining(","));
    }
}
