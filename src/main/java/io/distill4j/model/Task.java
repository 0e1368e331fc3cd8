package io.distill4j.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The dense-prediction task a model is built for: its name, its model builder and its output heads.
 * The stages' behaviour per task is {@code jobs.VisionTask}; this is what the layers below the jobs
 * need of a task.
 */
public enum Task {
    /** Per-pixel class logits at the output stride. */
    SEGMENTATION {
        @Override
        ModelBlueprint build(ModelSpec spec) {
            return SegmentationModel.blueprint(spec);
        }

        @Override
        public Map<String, Integer> headChannels(int classes) {
            return Map.of("logits", classes);
        }
    },
    /** CenterNet-style dense heads: class heatmap logits and box regression at the output stride. */
    DETECTION {
        @Override
        ModelBlueprint build(ModelSpec spec) {
            return DetectionModel.blueprint(spec);
        }

        @Override
        public Map<String, Integer> headChannels(int classes) {
            Map<String, Integer> heads = new LinkedHashMap<>();
            heads.put("heatmap", classes);
            heads.put("reg", DetectionModel.REG_CHANNELS);
            return heads;
        }
    };

    /** The builder of this task's models for a spec of this task. */
    abstract ModelBlueprint build(ModelSpec spec);

    /**
     * The task's output heads (vertex names, as every distill4j model of the task names them) and
     * their channels.
     *
     * @param classes segmentation classes, or detection categories (heatmap channels)
     */
    public abstract Map<String, Integer> headChannels(int classes);

    /**
     * The task as manifests, cache footers, ONNX metadata and metrics.json write it
     * ({@code segmentation}, {@code detection}).
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The task written {@code id}.
     *
     * @throws IllegalArgumentException for a name no task has
     */
    public static Task byId(String id) {
        for (Task t : values()) if (t.id().equals(id)) return t;
        throw new IllegalArgumentException("unknown task '" + id + "'");
    }
}
