package io.distill4j.cli;

import java.util.List;

/** The registry of subcommands, in pipeline order. */
final class Commands {
    private Commands() {}

    static List<Command> all() {
        return List.of(
                new GenerateSampleCommand(),
                new ShardCommand(),
                new TrainTeacherCommand(),
                new CacheTeacherCommand(),
                new DistillCommand(),
                new EvaluateCommand(),
                new PipelineCommand(),
                StandaloneCommand.of(new io.distill4j.onnx.export.ExportOnnxCommand()),
                StandaloneCommand.of(new io.distill4j.eval.coco.CocoEvalCommand()),
                StandaloneCommand.of(new io.distill4j.eval.cityscapes.CityscapesEvalCommand()));
    }
}
