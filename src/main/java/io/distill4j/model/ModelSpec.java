package io.distill4j.model;

/**
 * Everything that decides a model's architecture and initialisation. Immutable; validated on
 * construction with messages that name the field.
 *
 * @param task          SEGMENTATION or DETECTION
 * @param name          role/name, e.g. "seg-teacher"; used in descriptions and fingerprints
 * @param width         base channels: stages have width, 2*width and 4*width channels
 * @param depth         residual blocks per stage
 * @param outputStride  4 or 8: stride of every tap from stage 2 on; deeper stages keep stride 1
 * @param numClasses    segmentation classes, or detection heatmap channels (K)
 * @param inputHeight   H of the "image" input; must be divisible by the output stride
 * @param inputWidth    W of the "image" input; must be divisible by the output stride
 * @param seed          weight-initialisation seed
 * @param contextHead   what builds the {@code neck} tap
 * @param learningRate  Adam learning rate of the graph's default updater
 */
public record ModelSpec(Task task, String name, int width, int depth, int outputStride, int numClasses,
                        int inputHeight, int inputWidth, long seed, ContextHead contextHead,
                        double learningRate) {

    /** Pyramid-pooling bins; the stage-3 grid must be divisible by each. */
    static final int[] PYRAMID_BINS = {1, 2, 4};

    public ModelSpec {
        if (task == null) {
            throw new IllegalArgumentException("model spec 'task' must be set");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model spec 'name' must be non-blank");
        }
        require(width >= 4, name, "width", "must be at least 4", width);
        require(depth >= 1, name, "depth", "must be at least 1", depth);
        require(outputStride == 4 || outputStride == 8, name, "outputStride", "must be 4 or 8", outputStride);
        require(numClasses >= 1, name, "numClasses", "must be at least 1", numClasses);
        require(inputHeight >= outputStride && inputHeight % outputStride == 0, name, "inputHeight",
                "must be a positive multiple of outputStride " + outputStride, inputHeight);
        require(inputWidth >= outputStride && inputWidth % outputStride == 0, name, "inputWidth",
                "must be a positive multiple of outputStride " + outputStride, inputWidth);
        if (contextHead == null) {
            throw new IllegalArgumentException("model spec '" + name + "': 'contextHead' must be set");
        }
        if (contextHead == ContextHead.PYRAMID_POOLING) {
            int gridH = inputHeight / outputStride;
            int gridW = inputWidth / outputStride;
            for (int bins : PYRAMID_BINS) {
                require(gridH % bins == 0 && gridW % bins == 0, name, "inputHeight/inputWidth",
                        "must give a stride-" + outputStride + " grid divisible by pyramid bins " + bins
                                + " (grid " + gridH + "x" + gridW + ")", inputHeight + "x" + inputWidth);
            }
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("model spec '" + name + "': 'learningRate' must be positive and "
                    + "finite, cannot be: " + learningRate);
        }
    }

    private static void require(boolean ok, String spec, String field, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("model spec '" + spec + "': '" + field + "' " + rule
                    + ", cannot be: " + value);
        }
    }

    /** Default segmentation teacher: width 32, 2 blocks per stage, stride 8, pyramid pooling. */
    public static ModelSpec segmentationTeacher(int numClasses, int inputHeight, int inputWidth) {
        return new ModelSpec(Task.SEGMENTATION, "seg-teacher", 32, 2, 8, numClasses, inputHeight, inputWidth,
                42L, ContextHead.PYRAMID_POOLING, 1e-3);
    }

    /** Default segmentation student: width 16, 1 block per stage, stride 8, plain 3x3 neck. */
    public static ModelSpec segmentationStudent(int numClasses, int inputHeight, int inputWidth) {
        return new ModelSpec(Task.SEGMENTATION, "seg-student", 16, 1, 8, numClasses, inputHeight, inputWidth,
                7L, ContextHead.NONE, 1e-3);
    }

    /** Default detection teacher: width 32, 2 blocks per stage, stride 4, pyramid pooling. */
    public static ModelSpec detectionTeacher(int numClasses, int inputHeight, int inputWidth) {
        return new ModelSpec(Task.DETECTION, "det-teacher", 32, 2, 4, numClasses, inputHeight, inputWidth,
                42L, ContextHead.PYRAMID_POOLING, 1e-3);
    }

    /** Default detection student: width 16, 1 block per stage, stride 4, plain 3x3 neck. */
    public static ModelSpec detectionStudent(int numClasses, int inputHeight, int inputWidth) {
        return new ModelSpec(Task.DETECTION, "det-student", 16, 1, 4, numClasses, inputHeight, inputWidth,
                7L, ContextHead.NONE, 1e-3);
    }

    public ModelSpec withInputSize(int height, int widthPixels) {
        return new ModelSpec(task, name, width, depth, outputStride, numClasses, height, widthPixels, seed,
                contextHead, learningRate);
    }

    public ModelSpec withSeed(long newSeed) {
        return new ModelSpec(task, name, width, depth, outputStride, numClasses, inputHeight, inputWidth, newSeed,
                contextHead, learningRate);
    }

    /** Height of every tap from stage 2 on. */
    public int gridHeight() {
        return inputHeight / outputStride;
    }

    /** Width of every tap from stage 2 on. */
    public int gridWidth() {
        return inputWidth / outputStride;
    }
}
