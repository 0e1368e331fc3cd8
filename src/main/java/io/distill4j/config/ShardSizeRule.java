package io.distill4j.config;

import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.Task;

/**
 * The shard resolution must be one both networks can take: a multiple of each output stride, and
 * for the teacher's pyramid-pooling neck a stride grid divisible by every pooling bin. Checked at
 * start-up with the same rule the model builders apply ({@link ModelSpec}), so a size that would
 * only fail in distill, after shard and the teacher, is refused before anything runs.
 */
final class ShardSizeRule {
    private ShardSizeRule() {}

    static void check(Keys shardKeys, ShardSettings shard, ModelSettings model) {
        int h = shard.height(), w = shard.width();
        int multiple = lcm(pyramidSide(model.teacher()), model.student().outputStride());
        String key = h % multiple != 0 ? "height" : "width";
        if (h % multiple != 0 || w % multiple != 0) {
            throw shardKeys.invalid(
                    key,
                    "shard size " + h + "x" + w + " (HxW) cannot feed the models: height and width must be "
                            + "multiples of " + multiple + " (model.teacher.output-stride "
                            + model.teacher().outputStride()
                            + " with the teacher's pyramid pooling, model.student.output-stride "
                            + model.student().outputStride()
                            + "), e.g. " + round(h, multiple) + "x" + round(w, multiple));
        }
        try {
            // The builders' own validation stays the authority.
            spec(model.teacher(), ContextHead.PYRAMID_POOLING, h, w);
            spec(model.student(), ContextHead.NONE, h, w);
        } catch (IllegalArgumentException e) {
            throw shardKeys.invalid(
                    key, "shard size " + h + "x" + w + " (HxW) cannot feed the models: " + e.getMessage());
        }
    }

    /** The smallest side the pyramid-pooling teacher of this output stride accepts (every side is a multiple of it). */
    private static int pyramidSide(ModelSettings.Net teacher) {
        int outputStride = teacher.outputStride();
        for (int side = outputStride; side <= 64 * outputStride; side += outputStride) {
            try {
                spec(teacher, ContextHead.PYRAMID_POOLING, side, side);
                return side;
            } catch (IllegalArgumentException e) {
                // not yet: try the next multiple of the stride
            }
        }
        return outputStride;
    }

    private static void spec(ModelSettings.Net n, ContextHead head, int h, int w) {
        new ModelSpec(
                Task.SEGMENTATION,
                "shard-size-check",
                n.width(),
                n.depth(),
                n.outputStride(),
                1,
                h,
                w,
                0L,
                head,
                1e-3,
                n.backbone());
    }

    private static int round(int v, int multiple) {
        return Math.max(multiple, Math.round((float) v / multiple) * multiple);
    }

    private static int lcm(int a, int b) {
        int x = a, y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }
}
