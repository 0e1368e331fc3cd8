package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.amazonaws.services.s3.model.ListObjectsV2Result;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.Storage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline with dataset, shards, teacher, cache and runs on {@code s3a://}, against a
 * real S3-compatible server (S3Proxy, path-style) on 127.0.0.1, and the credentials nowhere in
 * what the jobs write or log. The tests run in order and share the stage outputs.
 */
@Tag("s3")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class S3PipelineTest {
    static final String BUCKET = "distill4j-it";
    static final String ACCESS_KEY = "distill4j-id-" + UUID.randomUUID();
    static final String SECRET_KEY = "distill4j-secret-" + UUID.randomUUID();
    static final String WORK = "s3a://" + BUCKET + "/work";

    @TempDir
    static java.nio.file.Path tmp;

    static S3ProxyServer server;
    static AmazonS3 s3;
    static SparkSession spark;
    static FileSystem fs;
    /** Everything the jobs print or log while they run (console, stdout/stderr, log4j at INFO). */
    static final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();

    static PrintStream console;
    static final StringWriter logs = new StringWriter();
    static final LogCapture logCapture = new LogCapture();
    static PrintStream savedOut;
    static PrintStream savedErr;

    @BeforeAll
    static void start() throws Exception {
        java.util.Optional<java.nio.file.Path> jar = S3ProxyServer.findJar();
        Assumptions.assumeTrue(
                jar.isPresent(),
                "S3Proxy " + S3ProxyServer.VERSION + " is not in target/s3proxy/ nor in "
                        + "the local Maven repository; fetch it with: " + S3ProxyServer.RESOLVE_COMMAND);
        server = S3ProxyServer.start(jar.get(), tmp.resolve("s3proxy"), ACCESS_KEY, SECRET_KEY);
        s3 = server.client();
        s3.createBucket(BUCKET);

        console = new PrintStream(consoleBytes, true, StandardCharsets.UTF_8);
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(new Tee(savedOut, consoleBytes), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(savedErr, consoleBytes), true, StandardCharsets.UTF_8));
        logCapture.attach(logs);

        Distill4jConfig c = config();
        spark = SparkTestSupport.spark(c);
        Path sample = new Path("s3a://" + BUCKET + "/sample");
        fs = Storage.fs(sample, spark.sparkContext().hadoopConfiguration());
        SparkTestSupport.generateSample(fs, sample);
    }

    @AfterAll
    static void stop() throws Exception {
        logCapture.detach();
        if (savedOut != null) System.setOut(savedOut);
        if (savedErr != null) System.setErr(savedErr);
        if (spark != null) spark.stop();
        if (fs != null) fs.close();
        if (s3 != null) s3.shutdown();
        if (server != null) server.close();
    }

    /** Small models, everything on s3a; the s3a settings and credentials go through hadoop.conf. */
    static Distill4jConfig config(String... extra) {
        List<String> all = new ArrayList<>(List.of("hadoop.conf={"
                + "\"fs.s3a.endpoint\"=\"" + server.endpoint() + "\", "
                + "\"fs.s3a.path.style.access\"=\"true\", "
                + "\"fs.s3a.connection.ssl.enabled\"=\"false\", "
                // only the keys below, never AWS_* variables or a profile of the machine running the test
                + "\"fs.s3a.aws.credentials.provider\"=\"org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider\", "
                + "\"fs.s3a.access.key\"=\"" + ACCESS_KEY + "\", "
                + "\"fs.s3a.secret.key\"=\"" + SECRET_KEY + "\", "
                // fail in seconds rather than minutes if the server goes away
                + "\"fs.s3a.attempts.maximum\"=\"2\", \"fs.s3a.retry.limit\"=\"2\"}"));
        all.addAll(List.of(extra));
        return SparkTestSupport.config(WORK, "s3a://" + BUCKET + "/sample/cityscapes", all.toArray(String[]::new));
    }

    static Distill4jConfig distillConfig() {
        return config(
                "distill.run-id=kd",
                "train.epochs=2",
                "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2}]");
    }

    @Test
    @Order(1)
    void shardJobWritesShardsOnS3() throws Exception {
        ShardJob.Result r = new ShardJob(spark, config().dataset(), config().shard()).run();
        assertEquals(Map.of("train", 8L, "val", 4L), r.counts());
        JsonNode m = Manifest.read(fs, new Path(WORK + "/shards"));
        assertEquals(8, m.path("count").path("train").asInt());
        assertEquals(4L, spark.read().parquet(WORK + "/shards/val").count());
    }

    @Test
    @Order(2)
    void teacherTrainsIntoAnS3RunDirectory() throws Exception {
        TrainTeacherJob.Result r = new TrainTeacherJob(spark, config(), console).run();
        JsonNode m = Manifest.read(fs, new Path(WORK + "/teacher"));
        assertEquals(r.fingerprint(), m.path("fingerprint").asText());
        assertTrue(fs.getFileStatus(new Path(WORK + "/teacher/" + TrainTeacherJob.MODEL_FILE))
                        .getLen()
                > 0);
    }

    @Test
    @Order(3)
    void teacherCacheHasOneRowPerSampleAndOutput() throws Exception {
        CacheTeacherJob.Result r = new CacheTeacherJob(spark, config(), console).run();
        assertEquals(8L, r.rows().get("train"), "8 samples x 1 output");
        assertTrue(Manifest.exists(fs, new Path(r.dir())), r.dir());
        List<Row> rows = spark.read().parquet(r.dir() + "/train").collectAsList();
        Set<String> keys = new HashSet<>();
        for (Row row : rows) {
            assertTrue(
                    keys.add(
                            row.getString(row.fieldIndex("sample_id")) + "/" + row.getString(row.fieldIndex("output"))),
                    "duplicate cache row " + row.getString(0));
        }
        assertEquals(8, keys.size());
        // A rerun finds the committed cache and writes nothing.
        assertEquals(0, new CacheTeacherJob(spark, config(), console).run().filesWritten());
    }

    @Test
    @Order(4)
    void distillTrainsFromTheS3Cache() throws Exception {
        DistillJob.Result r = new DistillJob(spark, distillConfig(), false, console).run();
        assertEquals(8, r.examples());
        assertEquals(0, r.missingTeacher());
        Path run = new Path(WORK + "/runs/kd");
        assertTrue(Manifest.exists(fs, run));
        String metrics = read(new Path(run, "metrics.jsonl"));
        assertEquals(
                2, metrics.lines().filter(l -> l.contains("\"kind\":\"epoch\"")).count(), metrics);
        assertTrue(metrics.contains("pixel-kd@logits"), metrics);
    }

    @Test
    @Order(5)
    void evaluateWritesItsReportToS3() throws Exception {
        EvaluateJob.Evaluated e = new EvaluateJob(spark, config(), console).evaluate("kd", new Path(WORK + "/runs/kd"));
        JsonNode m = new ObjectMapper().readTree(read(new Path(WORK + "/runs/kd/report/metrics.json")));
        assertEquals("kd", m.path("model").asText());
        assertEquals(e.metrics().meanIou(), m.path("miou").asDouble(), 1e-9);
    }

    @Test
    @Order(7)
    void exactViewsAtTheCropAreCachedOnS3AndDistillTrainsOnThem() throws Exception {
        // Runs after the leftovers check: its outputs sit beside the committed ones under their own keys.
        String[] views = {
            "train.augment={scale=[0.75, 1.5], crop=[16, 32], hflip=0.5}",
            "cache.views-per-sample=2",
            "cache.output=\"" + WORK + "/teacher-cache-views\"",
            "distill.teacher-views=exact"
        };
        CacheTeacherJob.Result r = new CacheTeacherJob(spark, config(views), console).run();
        assertEquals(16L, r.rows().get("train"), "8 samples x 2 views x logits");
        assertTrue(Manifest.exists(fs, new Path(r.dir())), r.dir());
        List<String> recorded = spark.read()
                .parquet(r.dir() + "/train")
                .select("view")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        assertEquals(16, recorded.size());
        for (String v : recorded) {
            io.distill4j.augment.View view = io.distill4j.augment.View.parse(v);
            assertEquals(List.of(16, 32), List.of(view.outHeight(), view.outWidth()), v);
        }

        List<String> run = new ArrayList<>(List.of(views));
        run.addAll(List.of(
                "distill.run-id=views",
                "train.epochs=1",
                "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2}]"));
        DistillJob.Result d = new DistillJob(spark, config(run.toArray(String[]::new)), false, console).run();
        assertEquals(8, d.examples());
        assertEquals(0, d.missingTeacher());
        assertTrue(Manifest.exists(fs, new Path(WORK + "/runs/views")));
        assertTrue(read(new Path(WORK + "/runs/views/metrics.jsonl")).contains("pixel-kd@logits"));
    }

    @Test
    @Order(6)
    void everyStageOutputIsCommittedWithoutLeftovers() throws Exception {
        Map<String, byte[]> objects = allObjects();
        Set<String> keys = objects.keySet();
        String cache = keys.stream()
                .filter(k -> k.matches("work/teacher-cache/[^/.][^/]*/_manifest\\.json"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no committed teacher cache in " + keys));
        for (String k : List.of(
                "work/shards/_manifest.json",
                "work/teacher/_manifest.json",
                "work/teacher/teacher.zip",
                "work/teacher/config.conf",
                "work/teacher/metrics.jsonl",
                cache,
                "work/runs/kd/_manifest.json",
                "work/runs/kd/student.zip",
                "work/runs/kd/config.conf",
                "work/runs/kd/metrics.jsonl",
                "work/runs/kd/report/metrics.json")) {
            assertTrue(keys.contains(k), k + " missing from " + keys);
        }
        String cacheDir = cache.substring(0, cache.lastIndexOf('/'));
        assertEquals(
                2,
                keys.stream()
                        .filter(k -> k.startsWith("work/shards/train/part-") && k.endsWith(".parquet"))
                        .count(),
                keys.toString());
        assertEquals(
                2,
                keys.stream()
                        .filter(k -> k.startsWith(cacheDir + "/train/part-") && k.endsWith(".parquet"))
                        .count(),
                keys.toString());
        for (String k : keys) {
            assertFalse(
                    k.contains(".tmp-") || k.contains(".old-") || k.contains("_temporary"),
                    "uncommitted leftover " + k);
        }
    }

    @Test
    @Order(7)
    void credentialsAppearInNoObjectAndNoLog() throws Exception {
        Map<String, byte[]> objects = allObjects();
        for (Map.Entry<String, byte[]> o : objects.entrySet()) {
            String text = new String(o.getValue(), StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(SECRET_KEY), "secret key written to s3a://" + BUCKET + "/" + o.getKey());
            assertFalse(text.contains(ACCESS_KEY), "access key written to s3a://" + BUCKET + "/" + o.getKey());
        }
        // The saved configuration did carry the s3a settings, redacted: the scan above looked at them.
        String saved = new String(objects.get("work/runs/kd/config.conf"), StandardCharsets.UTF_8);
        assertTrue(
                saved.contains(server.endpoint())
                        && saved.contains("fs.s3a.secret.key")
                        && saved.contains("<redacted>"),
                saved);

        console.flush();
        String printed = consoleBytes.toString(StandardCharsets.UTF_8);
        String logged = logs.toString();
        assertTrue(printed.contains("[evaluate] kd"), "console capture saw the jobs' output");
        assertTrue(logged.contains("org.apache.spark"), "log capture saw Spark's INFO lines");
        for (String secret : List.of(SECRET_KEY, ACCESS_KEY)) {
            assertFalse(printed.contains(secret), "credential printed to the console");
            assertFalse(logged.contains(secret), "credential logged");
        }
    }

    /** Every object in the bucket with its bytes, listed and read through the S3 API itself. */
    @Test
    @Order(8)
    void onnxTeacherIsReadFromS3AndItsCacheAndReportWrittenThere() throws Exception {
        Path onnx = new Path("s3a://" + BUCKET + "/models/seg_teacher.onnx");
        fs.copyFromLocalFile(
                new Path(java.nio.file.Path.of("src/test/resources/onnx/seg_teacher.onnx")
                        .toAbsolutePath()
                        .toUri()),
                onnx);
        Distill4jConfig c = config(
                "teacher.onnx.path=\"" + onnx + "\"",
                "teacher.dir=\"" + WORK + "/onnx-teacher\"",
                "cache.output=\"" + WORK + "/teacher-cache-onnx\"",
                "teacher.onnx.preprocessing=\"bgr;nchw;scale=1;mean=103.53,116.28,123.675;std=57.375,57.12,58.395\"",
                "teacher.onnx.outputs=[{onnx=seg_out, name=logits, stride=4}]");
        CacheTeacherJob.Result r = new CacheTeacherJob(spark, c, console).run();
        assertEquals(8L, r.rows().get("train"));
        assertEquals(
                onnx.toString(),
                new ObjectMapper()
                        .readTree(read(new Path(r.dir(), "_manifest.json")))
                        .path("teacher")
                        .asText());
        new EvaluateJob(spark, c, console).evaluateTeacher();
        JsonNode m = new ObjectMapper().readTree(read(new Path(WORK + "/onnx-teacher/report/metrics.json")));
        assertEquals("teacher", m.path("model").asText());
    }

    static Map<String, byte[]> allObjects() throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        ListObjectsV2Request req = new ListObjectsV2Request().withBucketName(BUCKET);
        ListObjectsV2Result page;
        do {
            page = s3.listObjectsV2(req);
            for (S3ObjectSummary o : page.getObjectSummaries()) {
                try (var in = s3.getObject(BUCKET, o.getKey()).getObjectContent()) {
                    out.put(o.getKey(), in.readAllBytes());
                }
            }
            req.setContinuationToken(page.getNextContinuationToken());
        } while (page.isTruncated());
        return out;
    }

    static String read(Path p) throws Exception {
        try (var in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Copies what is written to one stream into a second one as well. */
    static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            synchronized (b) {
                b.write(x);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
        }
    }

    /**
     * Records every log4j event at INFO and above (Spark's default level for users) while the
     * console keeps the test configuration's quieter threshold.
     */
    static final class LogCapture {
        private Appender appender;
        private Level savedRoot;

        void attach(StringWriter target) {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            org.apache.logging.log4j.core.config.Configuration cfg = ctx.getConfiguration();
            appender = WriterAppender.newBuilder()
                    .setName("s3-test-capture")
                    .setTarget(target)
                    .setLayout(PatternLayout.newBuilder()
                            .withPattern("%p %c: %m%n")
                            .withConfiguration(cfg)
                            .build())
                    .build();
            appender.start();
            cfg.addAppender(appender);
            LoggerConfig root = cfg.getRootLogger();
            savedRoot = root.getLevel();
            List<Appender> existing = new ArrayList<>(root.getAppenders().values());
            for (Appender a : existing) {
                root.removeAppender(a.getName());
                root.addAppender(a, savedRoot, null);
            }
            root.addAppender(appender, Level.INFO, null);
            root.setLevel(Level.INFO);
            ctx.updateLoggers();
        }

        void detach() {
            if (appender == null) return;
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            LoggerConfig root = ctx.getConfiguration().getRootLogger();
            root.removeAppender(appender.getName());
            root.setLevel(savedRoot);
            ctx.updateLoggers();
            appender.stop();
        }
    }
}
