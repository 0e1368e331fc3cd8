package io.distill4j.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What one stage run holds on storage: a {@link ReaderLease} on each input it reads and the
 * {@link OwnedDirectory} claim of each output it writes in place. Everything is released
 * together when the run ends, however it ends.
 */
public final class StageClaims implements AutoCloseable {
    private final Configuration conf;
    private final String stage;
    private final Consumer<String> say;
    private final List<ReaderLease> leases = new ArrayList<>();
    private final List<OwnedDirectory> outputs = new ArrayList<>();

    /** @param say where one-line notes go (a lock taken over, leftovers removed, a lease not written) */
    public StageClaims(Configuration conf, String stage, Consumer<String> say) {
        this.conf = conf;
        this.stage = stage;
        this.say = say;
    }

    /**
     * Registers this run as a reader of {@code input} when it exists (a missing input is reported
     * by the stage itself, and nothing is created beside it); returns {@code input}.
     */
    public Path hold(Path input) {
        FileSystem fs = Storage.fs(input, conf);
        try {
            if (!fs.exists(input)) return input;
        } catch (IOException e) {
            return input;
        }
        ReaderLease.register(fs, input, stage, say).ifPresent(leases::add);
        return input;
    }

    /** Claims {@code dir} as this run's in-place output ({@link OwnedDirectory#claim}). */
    public OwnedDirectory claim(FileSystem fs, Path dir, String key, String legacyFile) {
        OwnedDirectory owned = OwnedDirectory.claim(fs, dir, stage, key, legacyFile, say);
        outputs.add(owned);
        return owned;
    }

    @Override
    public void close() {
        outputs.forEach(OwnedDirectory::close);
        outputs.clear();
        leases.forEach(ReaderLease::close);
        leases.clear();
    }
}
