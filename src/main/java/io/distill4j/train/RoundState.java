package io.distill4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.distill.CriticAdam;
import io.distill4j.storage.StageOutputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The state a driver-side round (the holistic critic, L-MCL's meta weights) keeps in the run
 * directory: {@code <folder>/epoch-NNNN.json}, written before epoch N trains and read back when a
 * run resumes after epoch N. Doubles go through JSON, which round-trips them exactly, so a resumed
 * run continues bit for bit.
 */
final class RoundState {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RoundState() {}

    static String name(String folder, int epoch) {
        return String.format("%s/epoch-%04d.json", folder, epoch);
    }

    static ObjectNode create() {
        return JSON.createObjectNode();
    }

    static void write(RunDirectory run, String folder, int epoch, ObjectNode state) {
        try {
            run.writeText(name(folder, epoch), JSON.writeValueAsString(state));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The state saved before epoch {@code epoch}.
     *
     * @param what what the state is, for the error when it is missing (e.g. "the critic")
     */
    static JsonNode read(RunDirectory run, Configuration hadoop, String folder, int epoch, String what) {
        Path file = run.file(name(folder, epoch));
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            if (!fs.exists(file)) {
                throw new StageOutputException("cannot resume: " + file + " (" + what + " trained before epoch " + epoch
                        + ") is missing; rerun with --overwrite");
            }
            try (var in = fs.open(file)) {
                return JSON.readTree(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static void putAdam(ObjectNode n, CriticAdam adam) {
        ObjectNode a = n.putObject("adam");
        a.put("learning_rate", adam.learningRate())
                .put("beta1", adam.beta1())
                .put("beta2", adam.beta2())
                .put("epsilon", adam.epsilon())
                .put("step", adam.step());
        putDoubles(a, "m", adam.m());
        putDoubles(a, "v", adam.v());
    }

    static CriticAdam adam(JsonNode n) {
        JsonNode a = n.path("adam");
        return CriticAdam.restore(
                a.path("learning_rate").asDouble(),
                a.path("beta1").asDouble(),
                a.path("beta2").asDouble(),
                a.path("epsilon").asDouble(),
                a.path("step").asLong(),
                doubles(a.path("m")),
                doubles(a.path("v")));
    }

    static void putDoubles(ObjectNode n, String key, double[] values) {
        var arr = n.putArray(key);
        for (double v : values) arr.add(v);
    }

    static double[] doubles(JsonNode arr) {
        double[] out = new double[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asDouble();
        return out;
    }
}
