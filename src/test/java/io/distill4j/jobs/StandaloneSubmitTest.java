package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.util.NativeSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar submitted to a standalone cluster the way a user does: a Master and a Worker
 * started as child JVMs from the project's jars, and {@code SparkSubmit --master spark://...
 * --class io.distill4j.cli.Main target/distill4j-shaded.jar SUBCOMMAND ...} as another child JVM
 * (see {@link StandaloneCluster}). DL4J and ND4J reach the driver and the executors only inside the
 * shaded jar. Then the executor JVM is killed (SIGKILL) in the middle of cache-teacher and of
 * distill: the worker starts a new executor, Spark reruns the lost tasks, and both stages finish
 * with complete outputs. Needs {@code target/distill4j-shaded.jar} (built by .ci/run).
 */
@Tag("faults")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneSubmitTest {
    @TempDir
    static Path tmp;

    static Path sample;
    static Path work;
    static StandaloneCluster cluster;
    static final List<String> OUTPUTS = List.of("logits", "neck");

    @BeforeAll
    static void startCluster() throws Exception {
        NativeSetup.init();
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        cluster = StandaloneCluster.start(tmp.resolve("cluster"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    static List<String> args(String subcommand, String... extra) {
        List<String> a = new ArrayList<>();
        a.add(subcommand);
        List<String> all = new ArrayList<>(List.of(
                "cache.outputs=[{name=logits, codec=fp16}, {name=neck, codec=int8}]",
                "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1, tau=2},"
                        + "{kind=cwd, student-tap=neck, teacher-output=neck, weight=1, tau=2}]"));
        all.addAll(List.of(extra));
        // The embedded master in the overrides is ignored: spark-submit's --master wins.
        a.addAll(SparkTestSupport.overrides(
                work.toString(), sample.resolve("cityscapes").toString(), all.toArray(String[]::new)));
        return a;
    }

    static Distill4jConfig config() {
        return SparkTestSupport.config(work, sample);
    }

    /** The executor JVM that holds a task: never the driver, always one the worker launched. */
    static long heldExecutor(ChildJvm driver, Path holdDir, String stage) throws InterruptedException {
        long pid = FaultTestSupport.awaitHold(driver, holdDir, stage, 240);
        assertTrue(pid != driver.process().pid(), stage + " task ran in the driver" + driver.tail());
        assertTrue(
                cluster.executors().stream().anyMatch(p -> p.pid() == pid),
                "process " + pid + " holding the " + stage + " task is not one of the worker's executors "
                        + cluster.executors() + cluster.logs());
        return pid;
    }

    /** Executor directories the worker created for the application that ran {@code stage} (one per executor launched). */
    static long executorsLaunched(ChildJvm driver) throws Exception {
        String log = driver.log();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(app-\\d+-\\d+)").matcher(log);
        assertTrue(m.find(), "no application id in the driver log" + driver.tail());
        Path appDir = tmp.resolve("cluster/spark-home/work").resolve(m.group(1));
        try (Stream<Path> s = Files.list(appDir)) {
            return s.filter(Files::isDirectory).count();
        }
    }

    @Test
    @Order(1)
    void shardRunsThroughSparkSubmitOnTheStandaloneCluster() throws Exception {
        try (ChildJvm submit = cluster.submit("shard", List.of(), args("shard"))) {
            assertEquals(0, submit.await(240), "shard failed" + submit.tail() + cluster.logs());
            JsonNode m = new ObjectMapper()
                    .readTree(work.resolve("shards/_manifest.json").toFile());
            assertEquals(8, m.path("count").path("train").asLong(), m.toString());
            assertEquals(4, m.path("count").path("val").asLong(), m.toString());
            assertTrue(
                    submit.log().contains("spark://127.0.0.1:"),
                    "the driver did not run against the standalone master" + submit.tail());
        }
    }

    @Test
    @Order(2)
    void cacheTeacherFinishesAfterItsExecutorIsKilledAndCachesEverySampleOnce() throws Exception {
        FaultTestSupport.writeUntrainedTeacher(config(), 32, 64, 0);
        Path hold = tmp.resolve("hold-cache");
        try (ChildJvm submit = cluster.submit(
                "cache-teacher", List.of("distill4j-fault.cache-teacher.hold=" + hold), args("cache-teacher"))) {
            long executor = heldExecutor(submit, hold, "cache-teacher");
            FaultTestSupport.killHard(executor);
            assertEquals(
                    0,
                    submit.await(240),
                    "cache-teacher failed after its executor was killed" + submit.tail() + cluster.logs());
            assertTrue(
                    executorsLaunched(submit) >= 2, "the worker did not replace the killed executor" + cluster.logs());
        }
        Path cache;
        try (Stream<Path> s = Files.list(work.resolve("teacher-cache"))) {
            cache = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertTrue(Files.isRegularFile(cache.resolve("_manifest.json")), "cache not committed: " + cache);
        FaultTestSupport.assertCachedExactlyOnce(
                cache.resolve("train"), FaultTestSupport.sampleIds(work.resolve("shards"), "train"), OUTPUTS);
    }

    @Test
    @Order(3)
    void distillFinishesAfterItsExecutorIsKilledMidEpoch() throws Exception {
        Path hold = tmp.resolve("hold-distill");
        try (ChildJvm submit = cluster.submit(
                "distill",
                List.of("distill4j-fault.distill.hold=" + hold, "distill4j-fault.distill.hold.item=epoch-2"),
                args("distill", "distill.run-id=kd", "train.epochs=2"))) {
            // The hook holds the first row of epoch 2: epoch 1 is checkpointed by then.
            long executor = heldExecutor(submit, hold, "distill");
            assertTrue(
                    Files.isRegularFile(work.resolve("runs/kd/checkpoints/epoch-0001.zip")),
                    "epoch 1 not checkpointed");
            FaultTestSupport.killHard(executor);
            assertEquals(
                    0,
                    submit.await(240),
                    "distill failed after its executor was killed" + submit.tail() + cluster.logs());
            assertTrue(submit.log().contains("epoch 2/2"), submit.tail());
        }
        Path run = work.resolve("runs/kd");
        assertTrue(Files.isRegularFile(run.resolve("_manifest.json")), "run not committed");
        assertTrue(Files.isRegularFile(run.resolve("student.zip")));
        List<Integer> epochs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            if (n.path("kind").asText().equals("epoch")) {
                epochs.add(n.path("epoch").asInt());
                assertFalse(Double.isNaN(n.path("score").asDouble(Double.NaN)), line);
            }
        }
        assertEquals(List.of(1, 2), epochs, "one summary line per epoch, none lost or repeated");
    }
}
