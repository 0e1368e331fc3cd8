package io.distill4j.manifest;

import com.typesafe.config.ConfigFactory;
import io.distill4j.storage.StageOutputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The reuse rule for an interrupted training run: its checkpoints may be resumed only when the
 * configuration it saved ({@code config.conf}, written before the first epoch) has the same
 * deciding settings as this run's, apart from the number of epochs (raising it is how a run is
 * extended; a checkpoint past it ends the run).
 */
public final class ResumeCheck {
    private ResumeCheck() {}

    /**
     * @param savedConfig the run's {@code config.conf}
     * @param deciding    the deciding settings of a configuration (DecidingSettings::distill or ::teacher)
     * @param epochsKey   the key the run's epochs come from, not compared
     * @throws StageOutputException naming the run and the setting that differs
     */
    public static void require(
            FileSystem fs,
            Path savedConfig,
            StageSettings wanted,
            Function<com.typesafe.config.Config, StageSettings> deciding,
            String epochsKey,
            String remedy) {
        String text;
        try {
            if (!fs.exists(savedConfig)) return;
            try (FSDataInputStream in = fs.open(savedConfig)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + savedConfig + ": " + e.getMessage(), e);
        }
        StageSettings saved;
        try {
            saved = deciding.apply(ConfigFactory.parseString(text).resolve());
        } catch (com.typesafe.config.ConfigException e) {
            throw new StageOutputException(savedConfig + " cannot be parsed (" + e.getMessage() + "); " + remedy, e);
        }
        Optional<String> why = without(wanted, epochsKey).firstDifference(without(saved, epochsKey));
        if (why.isPresent()) {
            throw new StageOutputException(
                    "the interrupted run " + savedConfig.getParent() + " was training with other settings, so its "
                            + "checkpoints cannot be resumed: " + why.get() + "; " + remedy);
        }
    }

    private static StageSettings without(StageSettings s, String key) {
        java.util.Map<String, String> v = new java.util.TreeMap<>(s.values());
        v.remove(key);
        return new StageSettings(v);
    }
}
