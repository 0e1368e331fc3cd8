package io.distill4j.train;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.ModelSettings;
import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.model.ContextHead;
import io.distill4j.model.DetectionModel;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.SegmentationModel;
import io.distill4j.model.Task;

/**
 * The teacher and student of a configuration (segmentation or detection), at the shards' resolution. The
 * teacher gets the pyramid-pooling context head, the student none: the capacity gap that makes
 * distillation worth doing. Each has its configured backbone; pretrained initialisation is added
 * by the jobs, which hold the Hadoop settings to read the file.
 */
public final class Networks {
    private Networks() {}

    /** The segmentation teacher for the 19 Cityscapes classes (tests and benchmarks). */
    public static ModelBlueprint teacher(Distill4jConfig c, int height, int width) {
        return teacher(c, CityscapesLabels.NUM_CLASSES, height, width);
    }

    /** The segmentation student for the 19 Cityscapes classes (tests and benchmarks). */
    public static ModelBlueprint student(Distill4jConfig c, int height, int width) {
        return student(c, CityscapesLabels.NUM_CLASSES, height, width);
    }

    /** The segmentation teacher (pyramid-pooling context head) with one logit channel per class. */
    public static ModelBlueprint teacher(Distill4jConfig c, int numClasses, int height, int width) {
        return SegmentationModel.blueprint(
                spec("seg-teacher", c.model().teacher(), ContextHead.PYRAMID_POOLING, c, numClasses, height, width));
    }

    /** The segmentation student (no context head) with one logit channel per class. */
    public static ModelBlueprint student(Distill4jConfig c, int numClasses, int height, int width) {
        return SegmentationModel.blueprint(
                spec("seg-student", c.model().student(), ContextHead.NONE, c, numClasses, height, width));
    }

    /** The detection teacher (pyramid-pooling neck) with one heatmap channel per category. */
    public static ModelBlueprint detectionTeacher(Distill4jConfig c, int numClasses, int height, int width) {
        return DetectionModel.blueprint(detectionSpec(
                "det-teacher", c.model().teacher(), ContextHead.PYRAMID_POOLING, c, numClasses, height, width));
    }

    /** The detection student (plain neck) with one heatmap channel per category. */
    public static ModelBlueprint detectionStudent(Distill4jConfig c, int numClasses, int height, int width) {
        return DetectionModel.blueprint(
                detectionSpec("det-student", c.model().student(), ContextHead.NONE, c, numClasses, height, width));
    }

    private static ModelSpec detectionSpec(
            String name, ModelSettings.Net n, ContextHead head, Distill4jConfig c, int numClasses, int h, int w) {
        return new ModelSpec(
                Task.DETECTION,
                name,
                n.width(),
                n.depth(),
                n.outputStride(),
                numClasses,
                h,
                w,
                c.train().seed(),
                head,
                c.train().learningRate(),
                n.backbone());
    }

    private static ModelSpec spec(
            String name, ModelSettings.Net n, ContextHead head, Distill4jConfig c, int numClasses, int h, int w) {
        return new ModelSpec(
                Task.SEGMENTATION,
                name,
                n.width(),
                n.depth(),
                n.outputStride(),
                numClasses,
                h,
                w,
                c.train().seed(),
                head,
                c.train().learningRate(),
                n.backbone());
    }
}
