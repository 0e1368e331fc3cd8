package io.distill4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.manifest.InputRef;
import io.distill4j.manifest.Provenance;
import io.distill4j.manifest.StageSettings;
import io.distill4j.storage.AtomicOutput;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.OwnedDirectory;
import io.distill4j.storage.StageClaims;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import io.distill4j.train.RunDirectory;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark plumbing every stage shares, for the length of one run: the {@link StageClaims}
 * (leases on inputs, the claim of an in-place output or the atomic output begun), the start time
 * its provenance records, the stage's job group (set by the stage, the caller's restored on
 * {@link #close}), the completeness/--overwrite rule of a run directory and the one commit path
 * (ownership re-checked, then {@code _manifest.json} written; an atomic output then renamed into
 * place). The stages keep what is theirs: inputs, training, manifest fields and console lines.
 */
final class StageRun implements AutoCloseable {
    // Spark's local properties behind setJobGroup (SparkContext.SPARK_JOB_GROUP_ID and friends).
    static final String GROUP_ID = "spark.jobGroup.id";
    static final String GROUP_DESCRIPTION = "spark.job.description";
    static final String GROUP_INTERRUPT = "spark.job.interruptOnCancel";

    private final JavaSparkContext sc;
    private final StageClaims claims;
    private final Instant started;
    private final String previousGroup;
    private final String previousDescription;
    private final String previousInterrupt;

    private StageRun(JavaSparkContext sc, StageClaims claims) {
        this.sc = sc;
        this.claims = claims;
        this.started = Instant.now();
        this.previousGroup = sc.getLocalProperty(GROUP_ID);
        this.previousDescription = sc.getLocalProperty(GROUP_DESCRIPTION);
        this.previousInterrupt = sc.getLocalProperty(GROUP_INTERRUPT);
    }

    /**
     * Starts a run of {@code stage} (the name its leases and claims carry); notes from the claims go
     * to {@code console}. Close it (try-with-resources) to release them and restore the job group.
     */
    static StageRun start(SparkSession spark, String stage, PrintStream console) {
        return of(JavaSparkContext.fromSparkContext(spark.sparkContext()), stage, console);
    }

    static StageRun of(JavaSparkContext sc, String stage, PrintStream console) {
        return new StageRun(sc, new StageClaims(sc.hadoopConfiguration(), stage, console::println));
    }

    JavaSparkContext sc() {
        return sc;
    }

    /** When the run started, as its provenance records it. */
    Instant started() {
        return started;
    }

    /** Registers this run as a reader of {@code input} ({@link StageClaims#hold}); returns it. */
    Path hold(Path input) {
        return claims.hold(input);
    }

    /** Names the Spark work that follows in the Spark UI; the caller's group comes back on close. */
    void jobGroup(String id, String description) {
        sc.setJobGroup(id, description, false);
    }

    /** Claims {@code dir} as this run's in-place output ({@link OwnedDirectory#claim}). */
    OwnedDirectory claim(FileSystem fs, Path dir, String key) {
        return claim(fs, dir, key, null);
    }

    /**
     * As {@link #claim(FileSystem, Path, String)}, adopting too a directory an older version wrote
     * before the ownership marker, recognised by its {@code legacyFile}.
     */
    OwnedDirectory claim(FileSystem fs, Path dir, String key, String legacyFile) {
        return claims.claim(fs, dir, key, legacyFile);
    }

    /**
     * Begins this run's output written beside {@code target} and renamed into place by
     * {@link #commit(AtomicOutput, JsonNode)} ({@link AtomicOutput#begin}: a complete output is
     * refused unless {@code overwrite}); a run that ends without committing removes its temporary
     * sibling.
     */
    AtomicOutput begin(FileSystem fs, Path target, boolean overwrite, String key) {
        return claims.begin(fs, target, overwrite, key);
    }

    /**
     * Claims a run directory, and applies the one rule for a complete one: refused with
     * {@code whenComplete} unless {@code overwrite}, else cleared to be written again.
     */
    RunDirectory claimRun(FileSystem fs, Path dir, String key, boolean overwrite, String whenComplete) {
        RunDirectory run = new RunDirectory(claim(fs, dir, key));
        if (run.isComplete()) {
            if (!overwrite) throw new StageOutputException(whenComplete);
            run.clear();
        }
        return run;
    }

    /** The provenance of this run: its start time and Spark master, the seed, inputs and deciding settings. */
    Provenance provenance(Long seed, Map<String, InputRef> inputs, StageSettings settings) {
        return Provenance.of(started, sc.master(), seed, inputs, settings);
    }

    /** Commits a run directory: ownership re-checked, then its manifest written. */
    static void commit(RunDirectory run, ObjectNode manifest) {
        run.complete(manifest);
    }

    /** Commits a claimed output: ownership re-checked, then its manifest written. */
    static void commit(OwnedDirectory owned, JsonNode manifest) {
        owned.verifyStillOwned();
        Manifest.write(owned.fs(), owned.path(), manifest);
    }

    /**
     * Commits an atomic output: its manifest written, then the lock and the target re-checked and
     * the temporary sibling renamed into place.
     */
    static void commit(AtomicOutput output, JsonNode manifest) {
        output.commit(manifest);
    }

    /** The file system of {@code path} under this run's Hadoop configuration. */
    FileSystem fs(Path path) {
        return Storage.fs(path, sc.hadoopConfiguration());
    }

    /** Releases the leases and claims (aborting an uncommitted atomic output) and restores the job group the caller had (none: cleared). */
    @Override
    public void close() {
        try {
            if (previousGroup == null) {
                sc.clearJobGroup();
            } else {
                sc.setJobGroup(previousGroup, previousDescription, Boolean.parseBoolean(previousInterrupt));
            }
        } finally {
            claims.close();
        }
    }
}
