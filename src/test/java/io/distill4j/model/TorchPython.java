package io.distill4j.model;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Finds a python3 that can {@code import torch, torchvision, onnx} (Debian's python3-torch,
 * python3-torchvision, python3-onnx): every python3 on PATH first, then the usual system places,
 * because the python3 first on PATH (pyenv's, say) often lacks them. Runs the repository's export
 * script with it.
 */
final class TorchPython {

    static final String EXPORT_SCRIPT = "src/test/python/export_torchvision_backbones.py";
    private static final List<String> COMMON = List.of("/usr/bin/python3", "/usr/local/bin/python3", "/opt/conda/bin/python3");
    private static Optional<String> found;

    private TorchPython() {
    }

    /** The first python3 that imports torch, torchvision and onnx, if any. */
    static synchronized Optional<String> find() {
        if (found != null) return found;
        Set<String> candidates = new LinkedHashSet<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) candidates.add(Path.of(dir, "python3").toString());
        }
        candidates.addAll(COMMON);
        found = Optional.empty();
        for (String python : candidates) {
            if (!Files.isExecutable(Path.of(python))) continue;
            if (run(List.of(python, "-c", "import torch, torchvision, onnx"), 120) == 0) {
                found = Optional.of(python);
                break;
            }
        }
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
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
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
