package io.distill4j.model;

/**
 * Everything that decides a model's architecture and initialisation. Immutable; validated on
 * construction with messages that name the field.
 *
 * @param task          SEGMENTATION or DETECTION
 * @param name          role/name, e.g. "seg-teacher"; used in descriptions and fingerprints
 * @param width         base channels of the compact backbone: stages have width, 2*width and 4*width
 *                      channels (the torchvision backbones have their own widths and ignore it)
 * @param depth         residual blocks per stage of the compact backbone (ignored by the others)
 * @param outputStride  stride of the last stage, the neck and the heads: 4 or 8 for the compact
 *                      backbone, 8, 16 or 32 for the torchvision ones (deeper stages keep it)
 * @param numClasses    segmentation classes, or detection heatmap channels (K)
 * @param inputHeight   H of the "image" input; must be divisible by the output stride
 * @param inputWidth    W of the "image" input; must be divisible by the output stride
 * @param seed          weight-initialisation seed
 * @param contextHead   what builds the {@code neck} tap
 * @param learningRate  Adam learning rate of the graph's default updater
 * @param backbone      the encoder, by its {@link Backbones} name ({@code compact}, {@code resnet18}, ...)
 */
public record ModelSpec(
        Task task,
        String name,
        int width,
        int depth,
        int outputStride,
        int numClasses,
        int inputHeight,
        int inputWidth,
        long seed,
        ContextHead contextHead,
        double learningRate,
        String backbone) {

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
        if (backbone == null || !Backbones.exists(backbone)) {
            throw new IllegalArgumentException("model spec '" + name + "': 'backbone' must be one of "
                    + String.join(", ", Backbones.ids()) + ", cannot be: " + backbone);
        }
        java.util.Set<Integer> strides =
                new java.util.TreeSet<>(Backbones.of(backbone).outputStrides());
        require(
                strides.contains(outputStride),
                name,
                "outputStride",
                "must be one of " + strides + " for backbone " + backbone,
                outputStride);
        require(numClasses >= 1, name, "numClasses", "must be at least 1", numClasses);
        require(
                inputHeight >= outputStride && inputHeight % outputStride == 0,
                name,
                "inputHeight",
                "must be a positive multiple of outputStride " + outputStride,
                inputHeight);
        require(
                inputWidth >= outputStride && inputWidth % outputStride == 0,
                name,
                "inputWidth",
                "must be a positive multiple of outputStride " + outputStride,
                inputWidth);
        if (contextHead == null) {
            throw new IllegalArgumentException("model spec '" + name + "': 'contextHead' must be set");
        }
        if (contextHead == ContextHead.PYRAMID_POOLING) {
            int gridH = inputHeight / outputStride;
            int gridW = inputWidth / outputStride;
            for (int bins : PYRAMID_BINS) {
                require(
                        gridH % bins == 0 && gridW % bins == 0,
                        name,
                        "inputHeight/inputWidth",
                        "must give a stride-" + outputStride + " grid divisible by pyramid bins " + bins + " (grid "
                                + gridH + "x" + gridW + ")",
                        inputHeight + "x" + inputWidth);
            }
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("model spec '" + name + "': 'learningRate' must be positive and "
                    + "finite, cannot be: " + learningRate);
        }
    }

    /** A spec of the compact backbone (the sample's default). */
    public ModelSpec(
            Task task,
            String name,
            int width,
            int depth,
            int outputStride,
            int numClasses,
            int inputHeight,
            int inputWidth,
            long seed,
            ContextHead contextHead,
            double learningRate) {
        this(
                task,
                name,
                width,
                depth,
                outputStride,
                numClasses,
                inputHeight,
                inputWidth,
                seed,
                contextHead,
                learningRate,
                Backbones.defaultId());
    }

    private static void require(boolean ok, String spec, String field, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "model spec '" + spec + "': '" + field + "' " + rule + ", cannot be: " + value);
        }
    }

    /** Default segmentation teacher: width 32, 2 blocks per stage, stride 8, pyramid pooling. */
    public static ModelSpec segmentationTeacher(int numClasses, int inputHeight, int inputWidth) {
        return new ModelSpec(
                Task.SEGMENTATION,
                "seg-teacher",
                32,
                2,
                8,
                numClasses,
                inputHeight,
                inputWidth,
                42L,
                ContextHead.PYRAMID_POOLING,
                1e-3);
    }

    /** Default segmentation student: width 16, 1 block per stage, stride 8, plain 3x3 neck. */
    public static ModelSpec segmentationStudent(int numClasses, int inputHeight, int inputWidth) {
        return new ModelSpec(
                Task.SEGMENTATION,
                "seg-student",
                16,
                1,
                8,
                numClasses,
                inputHeight,
                inputWidth,
                7L,
                ContextHead.NONE,
                1e-3);
    }

    /** Default detection teacher: width 32, 2 blocks per stage, stride 4, pyramid pooling. */
    public static ModelSpec detectionTeacher(int numClasses, int inputHeight, int inputWidth) {
        return new ModelSpec(
                Task.DETECTION,
                "det-teacher",
                32,
                2,
                4,
                numClasses,
                inputHeight,
                inputWidth,
                42L,
                ContextHead.PYRAMID_POOLING,
                1e-3);
    }

    /** Default detection student: width 16, 1 block per stage, stride 4, plain 3x3 neck. */
    public static ModelSpec detectionStudent(int numClasses, int inputHeight, int inputWidth) {
        return new ModelSpec(
                Task.DETECTION,
                "det-student",
                16,
                1,
                4,
                numClasses,
                inputHeight,
                inputWidth,
                7L,
                ContextHead.NONE,
                1e-3);
    }

    public ModelSpec withInputSize(int height, int widthPixels) {
        return new ModelSpec(
                task,
                name,
                width,
                depth,
                outputStride,
                numClasses,
                height,
                widthPixels,
                seed,
                contextHead,
                learningRate,
                backbone);
    }

    public ModelSpec withSeed(long newSeed) {
        return new ModelSpec(
                task,
                name,
                width,
                depth,
                outputStride,
                numClasses,
                inputHeight,
                inputWidth,
                newSeed,
                contextHead,
                learningRate,
                backbone);
    }

    public ModelSpec withBackbone(String newBackbone, int newOutputStride) {
        return new ModelSpec(
                task,
                name,
                width,
                depth,
                newOutputStride,
                numClasses,
                inputHeight,
                inputWidth,
                seed,
                contextHead,
                learningRate,
                newBackbone);
    }

    /** Height of the neck and heads (and of every compact-backbone tap from stage 2 on). */
    public int gridHeight() {
        return inputHeight / outputStride;
    }

    /** Width of the neck and heads. */
    public int gridWidth() {
        return inputWidth / outputStride;
    }
}
