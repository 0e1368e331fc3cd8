package io.distill4j.jobs;

import io.distill4j.config.AugmentSettings;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.SizedGraphs;
import io.distill4j.model.TapInfo;
import io.distill4j.storage.StageOutputException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The input size the networks of a training stage run at: {@code train.augment.crop}, or the shard
 * size when the crop is {@code [0, 0]}. The graphs that see the views (the student with its
 * distillation outputs, an online teacher, cache-teacher's teacher on drawn views) are built at this
 * size with the parameters of their shard-sized counterparts ({@link SizedGraphs}); what is saved for
 * evaluate and export stays at the shard size.
 */
record TrainingSize(int height, int width, int shardHeight, int shardWidth) {
    static final String KEY = "train.augment.crop";

    static TrainingSize of(AugmentSettings augment, int shardHeight, int shardWidth) {
        return new TrainingSize(
                augment.inputHeight(shardHeight), augment.inputWidth(shardWidth), shardHeight, shardWidth);
    }

    /** Whether the networks train at another size than the shards'. */
    boolean differs() {
        return height != shardHeight || width != shardWidth;
    }

    /** The task's models at this size; a size the model's strides cannot divide is refused naming the key. */
    TaskModels models(TaskModels atShardSize) {
        if (!differs()) return atShardSize;
        TaskModels sized = atShardSize.atInputSize(height, width);
        try {
            sized.student();
            sized.teacher();
        } catch (IllegalArgumentException e) {
            throw new StageOutputException(describe() + ": " + e.getMessage());
        }
        return sized;
    }

    /**
     * The teacher at this size with {@code trained}'s parameters ({@code trained} itself when the
     * sizes agree); a teacher whose layers do not fit the configured teacher model is refused.
     */
    ComputationGraph teacher(TaskModels sized, ComputationGraph trained, String what) {
        if (!differs()) return trained;
        ModelBlueprint bp = sized.teacher();
        try {
            return SizedGraphs.withParameters(sized.teacherObjective(bp).configuration(), trained);
        } catch (IllegalArgumentException e) {
            throw new StageOutputException(describe() + " needs " + what + " rebuilt at " + height + "x" + width
                    + " from model.teacher, which does not fit it: " + e.getMessage());
        }
    }

    /**
     * Full-image teacher maps (shard size) as they are once resampled with a view at this size: the
     * same stride, on the crop's grid. A map whose stride does not divide the crop is refused.
     */
    Map<String, TapInfo> viewed(Map<String, TapInfo> fullImage) {
        if (!differs()) return fullImage;
        Map<String, TapInfo> out = new LinkedHashMap<>();
        fullImage.forEach((name, t) -> {
            int strideH = shardHeight / t.height(), strideW = shardWidth / t.width();
            if (height % strideH != 0 || width % strideW != 0) {
                throw new StageOutputException(describe() + ": the teacher's '" + name + "' map has stride " + strideH
                        + "x" + strideW + ", which does not divide the crop");
            }
            out.put(name, new TapInfo(t.name(), t.vertexName(), t.channels(), height / strideH, width / strideW));
        });
        return out;
    }

    /**
     * The key executors pool a deserialized graph of {@code fingerprint} by: the graph rebuilt at a
     * crop is another graph than the shard-sized one.
     */
    String poolKey(String fingerprint) {
        return differs() ? fingerprint + "@" + height + "x" + width : fingerprint;
    }

    /** The key and both sizes, e.g. {@code train.augment.crop = [32, 64] (shards 64x128)}. */
    String describe() {
        return KEY + " = [" + height + ", " + width + "] (shards " + shardHeight + "x" + shardWidth + ")";
    }
}
