package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import io.distill4j.storage.AtomicOutput;
import io.distill4j.storage.Heartbeats;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.OutputLock;
import io.distill4j.storage.OutputMarker;
import io.distill4j.storage.OwnedDirectory;
import io.distill4j.storage.ReaderLease;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.StageRun;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output-safety rules of {@code OutputSafetyTest} on {@code s3a://}, against a real S3 server
 * (S3Proxy): the same storage code runs there, over object keys instead of directories. Objects
 * are compared byte for byte through the S3 API itself.
 */
@Tag("s3")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class S3OutputSafetyTest {
    static final String BUCKET = "distill4j-safety";
    static final String ACCESS_KEY = "id-" + UUID.randomUUID();
    static final String SECRET_KEY = "secret-" + UUID.randomUUID();

    @TempDir
    static java.nio.file.Path tmp;

    static S3ProxyServer server;
    static AmazonS3 s3;
    static FileSystem fs;

    @BeforeAll
    static void start() throws Exception {
        java.util.Optional<java.nio.file.Path> jar = S3ProxyServer.findJar();
        Assumptions.assumeTrue(
                jar.isPresent(),
                "S3Proxy " + S3ProxyServer.VERSION + " is not available; fetch it with: "
                        + S3ProxyServer.RESOLVE_COMMAND);
        server = S3ProxyServer.start(jar.get(), tmp.resolve("s3proxy"), ACCESS_KEY, SECRET_KEY);
        s3 = server.client();
        s3.createBucket(BUCKET);
        Configuration conf = new Configuration();
        conf.set("fs.s3a.endpoint", server.endpoint());
        conf.set("fs.s3a.path.style.access", "true");
        conf.set("fs.s3a.connection.ssl.enabled", "false");
        conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        conf.set("fs.s3a.access.key", ACCESS_KEY);
        conf.set("fs.s3a.secret.key", SECRET_KEY);
        conf.set("fs.s3a.attempts.maximum", "2");
        conf.set("fs.s3a.retry.limit", "2");
        conf.set("fs.s3a.directory.marker.retention", "keep");
        fs = new Path("s3a://" + BUCKET + "/").getFileSystem(conf);
    }

    @AfterAll
    static void stop() throws Exception {
        if (fs != null) fs.close();
        if (s3 != null) s3.shutdown();
        if (server != null) server.close();
    }

    static Path p(String key) {
        return new Path("s3a://" + BUCKET + "/" + key);
    }

    static void put(String key, String text) throws Exception {
        s3.putObject(BUCKET, key, text);
    }

    /** Every object under {@code prefix} with its bytes (as text) and ETag. */
    static Map<String, String> objects(String prefix) {
        Map<String, String> m = new TreeMap<>();
        for (S3ObjectSummary o : s3.listObjectsV2(BUCKET, prefix).getObjectSummaries()) {
            m.put(o.getKey(), o.getSize() + " bytes, etag " + o.getETag());
        }
        return m;
    }

    static void write(Path file, byte[] bytes) throws Exception {
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(bytes);
        }
    }

    @Test
    void userObjectsAsOutputAreRefusedEvenWithOverwriteAndKept() throws Exception {
        put("user/photos/cat.jpg", "meow");
        put("user/thesis.tex", "\\section{Results}");
        Map<String, String> before = objects("user");
        for (boolean overwrite : new boolean[] {false, true}) {
            StageOutputException e = assertThrows(
                    StageOutputException.class,
                    () -> AtomicOutput.begin(fs, p("user"), overwrite, "shard", "distill4j.shard.output", s -> {}));
            assertTrue(
                    e.getMessage().contains("s3a://" + BUCKET + "/user")
                            && e.getMessage().contains("did not write"),
                    e.getMessage());
        }
        assertThrows(
                StageOutputException.class,
                () -> OwnedDirectory.claim(fs, p("user"), "distill", "distill4j.distill.run-id", null, s -> {}));
        assertEquals(before, objects("user"), "user objects changed, or a lock/temp left beside them");
        assertEquals(Map.of(), objects(".user."));
    }

    @Test
    void commitCarriesTheMarkerAndLeavesNoLockOrTemp() throws Exception {
        AtomicOutput o = AtomicOutput.begin(fs, p("out-a"), false, "shard", "k", s -> {});
        write(new Path(o.tempDir(), "part-00000.parquet"), "rows".getBytes(StandardCharsets.UTF_8));
        // A second run cannot start while the first holds the lock.
        StageOutputException e =
                assertThrows(StageOutputException.class, () -> AtomicOutput.begin(fs, p("out-a"), true));
        assertTrue(e.getMessage().contains("being written by another run"), e.getMessage());
        o.commit(Manifest.create("test").put("tag", "a"));
        assertEquals(
                o.run().run(), OutputMarker.read(fs, p("out-a")).orElseThrow().run());
        assertTrue(objects("out-a/").containsKey("out-a/part-00000.parquet"));
        assertEquals(Map.of(), objects(".out-a."), "lock and temporary directory removed");
    }

    @Test
    void overwriteIsRefusedWhileALiveReaderHoldsALease() throws Exception {
        AtomicOutput.begin(fs, p("shards"), false)
                .commit(Manifest.create("test").put("tag", "v1"));
        Map<String, String> before = objects("shards/");
        try (ReaderLease lease =
                ReaderLease.register(fs, p("shards"), "distill", s -> {}).orElseThrow()) {
            StageOutputException e =
                    assertThrows(StageOutputException.class, () -> AtomicOutput.begin(fs, p("shards"), true));
            assertTrue(e.getMessage().contains("being read by distill"), e.getMessage());
            assertEquals(before, objects("shards/"));
        }
        AtomicOutput.begin(fs, p("shards"), true).commit(Manifest.create("test").put("tag", "v2"));
        assertEquals("v2", Manifest.read(fs, p("shards")).path("tag").asText());
        assertEquals(Map.of(), objects(".shards."), "lease, lock and old output removed");
    }

    @Test
    void staleLockIsTakenOverAndKilledRunsTempsRemovedButAForeignOneKept() throws Exception {
        Instant silent = Instant.now().minus(Heartbeats.STALE_AFTER).minusSeconds(30);
        StageRun gone = new StageRun(UUID.randomUUID().toString(), "shard", "another-host", 99, silent, silent);
        write(OutputLock.lockFile(p("out-b")), gone.toJson());
        String killedTemp = ".out-b.tmp-" + UUID.randomUUID();
        OutputMarker.write(fs, p(killedTemp), gone);
        put(killedTemp + "/part-00000.parquet", "half");
        String foreign = ".out-b.tmp-" + UUID.randomUUID();
        put(foreign + "/keep.txt", "not distill4j's");
        Map<String, String> foreignBefore = objects(foreign);

        List<String> said = new ArrayList<>();
        AtomicOutput.begin(fs, p("out-b"), false, "shard", "k", said::add).commit(Manifest.create("test"));
        assertTrue(said.stream().anyMatch(s -> s.contains("taking over the lock of a dead run")), said.toString());
        assertTrue(said.stream().anyMatch(s -> s.startsWith("removed 1 leftover(s)")), said.toString());
        assertEquals(Map.of(), objects(killedTemp));
        assertEquals(foreignBefore, objects(foreign));
        assertFalse(objects(".out-b.lock").containsKey(".out-b.lock"));
    }
}
