package io.distill4j.cli;

import io.distill4j.eval.cityscapes.CityscapesEvalCommand;
import io.distill4j.eval.coco.CocoEvalCommand;
import io.distill4j.onnx.export.ExportOnnxCommand;

import java.util.List;

/**
 * A command that lives beside the code it runs (the standalone evaluators, export-onnx) as a
 * {@link Command}: those packages stay below the CLI instead of implementing its interface.
 */
record StandaloneCommand(String name, String summary, String usage, Runner runner) implements Command {

    /** The command's run method. */
    interface Runner {
        int run(List<String> args) throws Exception;
    }

    static Command of(ExportOnnxCommand c) {
        return new StandaloneCommand(c.name(), c.summary(), c.usage(), c::run);
    }

    static Command of(CocoEvalCommand c) {
        return new StandaloneCommand(c.name(), c.summary(), c.usage(), c::run);
    }

    static Command of(CityscapesEvalCommand c) {
        return new StandaloneCommand(c.name(), c.summary(), c.usage(), c::run);
    }

    @Override
    public int run(List<String> args) throws Exception {
        return runner.run(args);
    }
}
