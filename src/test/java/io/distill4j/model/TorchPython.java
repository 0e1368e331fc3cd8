package io.distill4j.model;

import io.distill4j.onnx.export.PythonInterpreters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a python3 that can {@code import torch, torchvision, onnx} (Debian's python3-torch,
 * python3-torchvision, python3-onnx): every python3 on PATH first, then the usual system places,
 * because the python3 first on PATH (pyenv's, say) often lacks them. Runs the repository's export
 * script with it.
 */
final class TorchPython {

    static final String EXPORT_SCRIPT = "src/test/python/export_torchvision_backbones.py";
    private static Optional<String> found;

    private TorchPython() {}

    /** The first python3 that imports torch, torchvision and onnx, if any. */
    static synchronized Optional<String> find() {
        if (found == null) found = PythonInterpreters.withModule("torch, torchvision, onnx");
        return found;
    }

    /** Exports {@code models} into {@code dir} with the repository's script; the exit code. */
    static int export(String python, Path dir, String... models) {
        List<String> cmd = new ArrayList<>(List.of(python, EXPORT_SCRIPT, dir.toString()));
        cmd.addAll(List.of(models));
        return run(cmd, 600);
    }

    private static int run(List<String> cmd, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (Exception e) {
            return -1;
        }
    }
}
