package io.distill4j.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What one stage run holds on storage: a {@link ReaderLease} on each input it reads, the
 * {@link OwnedDirectory} claim of each output it writes in place and each {@link AtomicOutput} it
 * began. Everything is released together when the run ends, however it ends: an atomic output not
 * committed by then is aborted (its temporary sibling, which this run created, removed).
 */
public final class StageClaims implements AutoCloseable {
    private final Configuration conf;
    private final String stage;
    private final Consumer<String> say;
    private final List<ReaderLease> leases = new ArrayList<>();
    private final List<OwnedDirectory> outputs = new ArrayList<>();
    private final List<AtomicOutput> atomic = new ArrayList<>();

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

    /** Begins an output written beside its target and committed by rename ({@link AtomicOutput#begin}). */
    public AtomicOutput begin(FileSystem fs, Path target, boolean overwrite, String key) {
        AtomicOutput output = AtomicOutput.begin(fs, target, overwrite, stage, key, say);
        atomic.add(output);
        return output;
    }

    @Override
    public void close() {
        try {
            atomic.forEach(AtomicOutput::abort);
        } finally {
            atomic.clear();
            closeClaims();
        }
    }

    private void closeClaims() {
        outputs.forEach(OwnedDirectory::close);
        outputs.clear();
        leases.forEach(ReaderLease::close);
        leases.clear();
    }
}
