package io.distill4j.storage;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The reader leases one stage run holds on its inputs, released together when it ends. */
public final class ReaderLeases implements AutoCloseable {
    private final Configuration conf;
    private final String stage;
    private final Consumer<String> warn;
    private final List<ReaderLease> held = new ArrayList<>();

    public ReaderLeases(Configuration conf, String stage, Consumer<String> warn) {
        this.conf = conf;
        this.stage = stage;
        this.warn = warn;
    }

    /**
     * Registers this run as a reader of {@code input} when it exists (a missing input is reported
     * by the stage itself, and nothing is created beside it); returns {@code input}.
     */
    public Path hold(Path input) {
        org.apache.hadoop.fs.FileSystem fs = Storage.fs(input, conf);
        try {
            if (!fs.exists(input)) return input;
        } catch (java.io.IOException e) {
            return input;
        }
        ReaderLease.register(fs, input, stage, warn).ifPresent(held::add);
        return input;
    }

    @Override
    public void close() {
        held.forEach(ReaderLease::close);
        held.clear();
    }
}
