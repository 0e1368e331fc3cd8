package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * distill with an online DL4J teacher on local[2]: the teacher runs exactly once per example and
 * epoch, plus the probe's examples once (the probe's minibatch, rounded up to a teacher batch).
 */
@Tag("spark")
class OnlineTeacherPassesTest {
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample().sharded().teacher("teacher.epochs=1");

    @Test
    void theOnlineTeacherRunsOncePerExampleAndEpochPlusTheProbe() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // minibatch 4 (the probe's size), teacher batch 3: the probe costs 4 to 6 forwards.
        DistillJob.Result r = new DistillJob(
                        job.spark(),
                        job.config(
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
        assertEquals(0, job.spark().sparkContext().getPersistentRDDs().size(), "nothing left persisted after the run");
    }
}
