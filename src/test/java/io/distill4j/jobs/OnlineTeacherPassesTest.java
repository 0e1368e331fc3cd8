package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.Distill4jConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * distill with an online DL4J teacher on local[2]: the teacher runs exactly once per example and
 * epoch, plus the probe's examples once (the probe's minibatch, rounded up to a teacher batch).
 */
@Tag("spark")
class OnlineTeacherPassesTest {
    @TempDir
    static java.nio.file.Path tmp;

    static java.nio.file.Path sample;
    static java.nio.file.Path work;
    static SparkSession spark;
    static final PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());

    @BeforeAll
    static void start() throws Exception {
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        Distill4jConfig c = config();
        spark = SparkTestSupport.spark(c);
        new ShardJob(spark, c.dataset(), c.shard()).run();
        new TrainTeacherJob(spark, SparkTestSupport.config(work, sample, "teacher.epochs=1"), quiet).run();
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    static Distill4jConfig config(String... extra) {
        return SparkTestSupport.config(work, sample, extra);
    }

    @Test
    void theOnlineTeacherRunsOncePerExampleAndEpochPlusTheProbe() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // minibatch 4 (the probe's size), teacher batch 3: the probe costs 4 to 6 forwards.
        DistillJob.Result r = new DistillJob(
                        spark,
                        config(
                                "distill.run-id=online-passes",
                                "train.epochs=3",
                                "distill.teacher-mode=online",
                                "cache.batch-size=3",
                                "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2}]"),
                        false,
                        new PrintStream(out, true, StandardCharsets.UTF_8))
                .run();
        String console = out.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("online teacher: (\\d+) forwards").matcher(console);
        assertTrue(m.find(), console);
        long forwards = Long.parseLong(m.group(1));
        assertEquals(8, r.examples());
        long probe = forwards - 8 * 3;
        assertTrue(probe >= 4 && probe <= 6, forwards + " forwards for 8 examples x 3 epochs: the probe took " + probe);
        assertEquals(0, spark.sparkContext().getPersistentRDDs().size(), "nothing left persisted after the run");
    }
}
