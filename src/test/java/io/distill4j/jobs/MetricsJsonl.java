package io.distill4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.storage.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A training run's {@code metrics.jsonl} (teacher or student), read back by the job tests. */
final class MetricsJsonl {
    private MetricsJsonl() {}

    /** The per-epoch summary lines ({@code "kind":"epoch"}), in order. */
    static List<JsonNode> epochs(Path metricsJsonl) throws IOException {
        return Files.readAllLines(metricsJsonl).stream()
                .filter(l -> !l.isBlank())
                .map(l -> {
                    try {
                        return Manifest.JSON.readTree(l);
                    } catch (IOException e) {
                        throw new UncheckedIOException(metricsJsonl + ": not a JSON line: " + l, e);
                    }
                })
                .filter(n -> n.path("kind").asText().equals("epoch"))
                .toList();
    }
}
