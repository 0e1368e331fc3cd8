package io.distill4j.onnx.export;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Finds a python3 that can import a module: every python3 on PATH, then the usual system places.
 * pyenv's shim often comes first on PATH without Debian's packages, so the first python3 is not
 * enough.
 */
public final class PythonInterpreters {
    private PythonInterpreters() {}

    /** The first python3 that can {@code import module} ({@code module} may list several: "torch, onnx"). */
    public static Optional<String> withModule(String module) {
        Set<String> candidates = new LinkedHashSet<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(new File(dir, "python3").getPath());
            }
        }
        candidates.addAll(List.of("/usr/bin/python3", "/usr/local/bin/python3", "/opt/homebrew/bin/python3"));
        for (String python : candidates) {
            if (new File(python).canExecute() && imports(python, module)) {
                return Optional.of(python);
            }
        }
        return Optional.empty();
    }

    private static boolean imports(String python, String module) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(python, "-c", "import " + module)))
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
