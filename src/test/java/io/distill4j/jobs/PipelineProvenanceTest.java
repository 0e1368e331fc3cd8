package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.cli.Main;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.PipelineSettings;
import io.distill4j.manifest.DecidingSettings;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.RunManifest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code pipeline} command end to end under a real local[2] Spark (issue #20): every student
 * run's config.conf is that run's configuration, seeds included, and reproduces it; a rerun
 * reuses outputs made with the same settings and stops, naming the setting, on outputs made with
 * other ones.
 */
@Tag("spark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineProvenanceTest {
    @TempDir
    static java.nio.file.Path tmp;

    static java.nio.file.Path sample;
    static java.nio.file.Path work;
    static final String STUDENTS = "pipeline.students=[{run-id=baseline, terms=[]}, "
            + "{run-id=kd-cwd, terms=[{kind=cwd, student-tap=logits, teacher-output=logits, weight=0.5, tau=2.0}]}]";
    static final List<Long> SEEDS = List.of(1L, 2L);

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void generate() throws Exception {
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
    }

    static List<String> overrides(String... extra) {
        List<String> o =
                new ArrayList<>(List.of(STUDENTS, "pipeline.seeds=[1,2]", "teacher.epochs=1", "train.epochs=1"));
        o.addAll(List.of(extra));
        return SparkTestSupport.overrides(
                work.toString(), sample.resolve("cityscapes").toString(), o.toArray(String[]::new));
    }

    /** Runs {@code pipeline} in this JVM; it prints its progress on System.out, which is captured too. */
    static Run pipeline(String... extra) {
        List<String> args = new ArrayList<>(List.of("pipeline"));
        args.addAll(overrides(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream captured = new PrintStream(out, true, StandardCharsets.UTF_8);
        System.setOut(captured);
        int code;
        try {
            code = Main.run(args, captured, new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    @Test
    @Order(1)
    void everyRunsConfigConfIsThatRunSeedIncluded() throws Exception {
        Run r = pipeline();
        assertEquals(0, r.code(), r.out() + r.err());
        Distill4jConfig base = ConfigLoader.load(null, overrides());
        List<PipelineSettings.StudentRun> students = base.pipeline().students();
        int checked = 0;
        for (long seed : SEEDS) {
            for (PipelineSettings.StudentRun s : students) {
                String id = s.runId() + "-s" + seed;
                java.nio.file.Path runDir = work.resolve("runs").resolve(id);
                Distill4jConfig back =
                        ConfigLoader.load(runDir.resolve("config.conf").toFile(), List.of());
                assertEquals(id, back.distill().runId());
                assertEquals(seed, back.train().seed(), id + ": seed");
                assertEquals(s.terms(), back.distill().terms(), id + ": terms and options");
                assertEquals(base.train().withSeed(seed), back.train(), id + ": training settings");
                RunManifest m = Manifests.read(fs(), new Path(runDir.toUri()), RunManifest.class);
                assertEquals(seed, m.provenance().seed(), id);
                assertEquals(
                        m.provenance().stageSettings(),
                        DecidingSettings.distill(back.resolvedConfig()),
                        id + ": config.conf decides the same run its manifest records");
                checked++;
            }
        }
        assertEquals(4, checked);
    }

    @Test
    @Order(2)
    void passingARunsConfigConfBackToDistillTrainsTheSameStudent() throws Exception {
        java.nio.file.Path runDir = work.resolve("runs/kd-cwd-s2");
        java.nio.file.Path again = tmp.resolve("again");
        Distill4jConfig c = ConfigLoader.load(
                runDir.resolve("config.conf").toFile(), List.of("distill.runs-dir=\"" + again + "\""));
        SparkSession spark = SparkTestSupport.spark(c);
        try {
            new DistillJob(spark, c, false, new PrintStream(java.io.OutputStream.nullOutputStream())).run();
        } finally {
            spark.stop();
        }
        INDArray a = ModelSerializer.restoreComputationGraph(
                        runDir.resolve("student.zip").toFile(), false)
                .params();
        INDArray b = ModelSerializer.restoreComputationGraph(
                        again.resolve("kd-cwd-s2/student.zip").toFile(), false)
                .params();
        double diff = a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
        assertTrue(diff < 1e-6, "relative parameter difference " + diff);
    }

    @Test
    @Order(3)
    void aRerunWithTheSameSettingsReusesEveryOutput() {
        Run r = pipeline();
        assertEquals(0, r.code(), r.out() + r.err());
        for (String step : List.of(
                "2/6 shard: reusing",
                "3/6 train-teacher: reusing",
                "nothing to do",
                "5/6 distill 1/4 baseline-s1: reusing",
                "5/6 distill 2/4 kd-cwd-s1: reusing",
                "5/6 distill 3/4 baseline-s2: reusing",
                "5/6 distill 4/4 kd-cwd-s2: reusing")) {
            assertTrue(r.out().contains(step), step + "\n" + r.out());
        }
    }

    @Test
    @Order(4)
    void aRerunWithAChangedSettingStopsNamingIt() throws Exception {
        Map<String, String> manifests = manifests();
        for (Map.Entry<String, String> e : Map.of(
                        "shard.height=16", "distill4j.shard.height is 32 there but 16 now; pass shard.overwrite=true",
                        "teacher.epochs=2",
                                "distill4j.teacher.epochs is 1 there but 2 now; pass teacher.overwrite=true",
                        "train.epochs=2", "distill4j.train.epochs is 1 there but 2 now; delete it")
                .entrySet()) {
            Run r = pipeline(e.getKey());
            assertEquals(1, r.code(), e.getKey() + ": expected a refusal\n" + r.out() + r.err());
            String line = r.err()
                    .lines()
                    .filter(l -> l.contains("error:"))
                    .findFirst()
                    .orElse(r.err());
            System.out.println("[pipeline-reuse] " + e.getKey() + ": " + line);
            assertTrue(line.contains(e.getValue()), line);
            assertEquals(manifests, manifests(), e.getKey() + ": no committed output changed");
        }
    }

    /** Every committed manifest under the work dir, by path. */
    static Map<String, String> manifests() throws Exception {
        Map<String, String> m = new java.util.TreeMap<>();
        try (var files = Files.walk(work)) {
            for (java.nio.file.Path f : files.filter(
                            p -> p.getFileName().toString().equals("_manifest.json"))
                    .toList()) {
                m.put(work.relativize(f).toString(), Files.readString(f));
            }
        }
        return m;
    }
}
