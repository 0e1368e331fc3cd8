package io.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFullTest {
    @TempDir
    Path tmp;

    @Test
    void enospcIsFoundInsideSparksWrappingAndNothingElseIs() {
        // What a task's ENOSPC looks like on the driver: Spark copies the task's exception text into its own message.
        SparkException task = new SparkException(
                "Job aborted due to stage failure: Task 0 in stage 2.0 failed 1 times, most recent "
                        + "failure: Lost task 0.0 (TID 3) (localhost executor driver): java.io.IOException: No space left on device");
        assertTrue(DiskFull.causes(task));
        assertTrue(DiskFull.causes(
                new UncheckedIOException("cannot write x", new IOException("No space left on device"))));
        assertFalse(DiskFull.causes(new UncheckedIOException("cannot write x", new IOException("Permission denied"))));
    }

    @Test
    void messageNamesTheOutputItsKeyAndWhereTheSpaceIsMissing() {
        String out = tmp.resolve("work/shards").toString();
        String line = DiskFull.describe(out, "shard.output");
        // The temp directory of a test machine has space: then the output is not the full file system.
        if (DiskFull.usableBytes(out).getAsLong() >= DiskFull.NEARLY_FULL) {
            assertTrue(line.contains("though the file system of the output " + out + " (shard.output) has "), line);
            assertTrue(line.contains("spark.local.dir"), line);
        } else {
            assertTrue(line.startsWith("no space left on device writing the output " + out + " (shard.output)"), line);
        }
        assertTrue(DiskFull.usableBytes("s3a://bucket/x").isEmpty());
        String remote = DiskFull.describe("s3a://bucket/x", "distill.runs-dir");
        assertTrue(
                remote.startsWith(
                        "no space left on device writing the output s3a://bucket/x (distill.runs-dir); free space"),
                remote);
    }
}
