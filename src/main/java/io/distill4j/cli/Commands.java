package io.distill4j.cli;

import java.util.List;

/** The registry of subcommands (picocli command objects), in pipeline order: the order --help lists them. */
final class Commands {
    private Commands() {}

    static List<Object> all() {
        return List.of(
                new GenerateSampleCommand(),
                new ShardCommand(),
                new TrainTeacherCommand(),
                new CacheTeacherCommand(),
                new DistillCommand(),
                new EvaluateCommand(),
                new PipelineCommand(),
                new io.distill4j.onnx.export.ExportOnnxCommand(),
                new io.distill4j.eval.coco.CocoEvalCommand(),
                new io.distill4j.eval.cityscapes.CityscapesEvalCommand());
    }
}
