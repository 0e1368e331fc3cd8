package io.distill4j.jobs;

import static io.distill4j.jobs.SparkJobFixture.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardFingerprint;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.sample.SampleDatasetGenerator;
import io.distill4j.data.sample.SampleSpec;
import io.distill4j.manifest.CacheManifest;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.Provenance;
import io.distill4j.manifest.RunManifest;
import io.distill4j.manifest.ShardManifest;
import io.distill4j.manifest.StageManifest;
import io.distill4j.manifest.StageSettings;
import io.distill4j.manifest.TeacherManifest;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.StageOutputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Provenance of every stage output under a real local[2] Spark: the shards' content fingerprint,
 * the provenance fields of each manifest, and the refusal of a cache or model computed on other
 * images that carry the same sample ids (issue #15).
 */
@Tag("spark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProvenanceJobsTest {
    @RegisterExtension
    static final SparkJobFixture job = SparkJobFixture.testSample()
            .with("teacher.epochs=1", "train.epochs=1")
            .sharded();

    static java.nio.file.Path otherImages;

    @BeforeAll
    static void generateOtherImages() throws Exception {
        // The same layout and sample ids with other images: what a reshard in place can bring.
        otherImages = job.dir().resolve("other");
        java.nio.file.Files.createDirectories(otherImages);
        SampleDatasetGenerator.generate(
                fs(),
                new Path(otherImages.toUri()),
                new SampleSpec(
                        12, new SampleSpec.DatasetSize(8, 4, 128, 64), new SampleSpec.DatasetSize(6, 3, 96, 96)));
    }

    static FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    /** As the jobs name it (file:/..., without the trailing slash a directory URI has). */
    static Path dir(String relative) {
        return new Path(job.work().resolve(relative).toUri().toString().replaceAll("/$", ""));
    }

    static Path cacheDir() throws Exception {
        try (var s = java.nio.file.Files.list(job.work().resolve("teacher-cache"))) {
            return dir("teacher-cache/"
                    + s.filter(java.nio.file.Files::isDirectory)
                            .filter(p -> !p.getFileName().toString().startsWith("."))
                            .findFirst()
                            .orElseThrow()
                            .getFileName());
        }
    }

    /** The fingerprint recomputed from the committed files, read back in file order. */
    static String recompute(Path shards, List<String> splits) throws Exception {
        Map<String, String> perSplit = new LinkedHashMap<>();
        for (String split : splits) {
            List<byte[]> files = new ArrayList<>();
            for (Path f : ShardFiles.list(fs(), shards, split)) {
                ShardFingerprint.FileDigest d = new ShardFingerprint.FileDigest();
                for (ShardRecord r : ShardFiles.read(new Configuration(), f)) d.add(ShardFingerprint.row(r));
                if (d.rows() > 0) files.add(d.finish());
            }
            perSplit.put(split, ShardFingerprint.split(files));
        }
        return ShardFingerprint.shards(perSplit);
    }

    @Test
    @Order(1)
    void shardFingerprintIsTheRowHashesOfTheWrittenFilesInFileOrder() throws Exception {
        ShardManifest m = Manifests.read(fs(), dir("shards"), ShardManifest.class);
        assertEquals(recompute(dir("shards"), List.of("train", "val")), m.fingerprint());
        assertEquals(Set.of("train", "val"), m.splitFingerprints().keySet());
        assertEquals(2, ShardFiles.list(fs(), dir("shards"), "train").size(), "two files: the order is part of it");
    }

    @Test
    @Order(2)
    void everyManifestHasItsProvenanceAndReadsBackIntoItsRecord() throws Exception {
        Distill4jConfig c = job.config("distill.run-id=kd");
        TrainTeacherJob.Result teacher = new TrainTeacherJob(job.spark(), c, QUIET).run();
        CacheTeacherJob.Result cache = new CacheTeacherJob(job.spark(), c, QUIET).run();
        new DistillJob(job.spark(), c, false, QUIET).run();
        String shardsFp =
                Manifests.read(fs(), dir("shards"), ShardManifest.class).fingerprint();

        ShardManifest shards = roundTrip(dir("shards"), ShardManifest.class);
        checkProvenance(shards, null);
        assertTrue(shards.provenance().inputs().isEmpty(), "shards read only the source dataset");

        TeacherManifest t = roundTrip(dir("teacher"), TeacherManifest.class);
        checkProvenance(t, c.train().seed());
        assertEquals(shardsFp, t.provenance().input("shards").fingerprint());
        assertEquals(teacher.fingerprint(), t.fingerprint());

        CacheManifest cm = roundTrip(new Path(cache.dir()), CacheManifest.class);
        checkProvenance(cm, null);
        assertEquals(shardsFp, cm.provenance().input("shards").fingerprint());
        assertEquals(teacher.fingerprint(), cm.provenance().input("teacher").fingerprint());

        RunManifest run = roundTrip(dir("runs/kd"), RunManifest.class);
        checkProvenance(run, c.train().seed());
        assertEquals(
                Set.of("shards", "teacher", "cache"), run.provenance().inputs().keySet());
        assertEquals(shardsFp, run.provenance().input("shards").fingerprint());
        assertEquals(cache.dir(), run.provenance().input("cache").path());
        assertEquals("1", run.provenance().settings().get("distill4j.train.epochs"));
    }

    /** Reads a manifest as its record and checks that the record holds every field of the file. */
    static <T extends StageManifest> T roundTrip(Path dir, Class<T> type) throws Exception {
        ObjectNode raw = Manifest.read(fs(), dir);
        T m = Manifests.read(fs(), dir, type);
        // compared as text: the file's 8 reads back as an int node, the record's long writes a long node
        assertEquals(
                Manifests.JSON.readTree(Manifests.JSON.writeValueAsString(raw)),
                Manifests.JSON.readTree(Manifests.JSON.writeValueAsString(Manifests.toJson(m))),
                dir + ": the record writes back the same JSON");
        return m;
    }

    static void checkProvenance(StageManifest m, Long seed) {
        Provenance p = m.provenance();
        assertEquals("0.1.0-SNAPSHOT", p.distill4jVersion(), m.stage());
        assertTrue(p.gitCommit().matches("[0-9a-f]{40}"), m.stage() + ": git commit " + p.gitCommit());
        assertTrue(p.java().startsWith(System.getProperty("java.version")), p.java());
        assertTrue(
                p.nd4jBackend().contains("CpuBackend") && p.nd4jBackend().contains("libnd4jcpu.so"), p.nd4jBackend());
        assertEquals("local[2]", p.sparkMaster());
        assertEquals(seed, p.seed(), m.stage() + ": seed");
        assertFalse(p.settings().isEmpty(), m.stage() + ": settings");
        assertEquals(new StageSettings(p.settings()).fingerprint(), p.settingsFingerprint());
        assertFalse(Instant.parse(p.finished()).isBefore(Instant.parse(p.started())), m.stage() + ": start <= end");
    }

    @Test
    @Order(3)
    void aCacheAndAModelComputedOnOtherImagesWithTheSameIdsAreRefusedNamingBoth() throws Exception {
        String before = Manifests.read(fs(), dir("shards"), ShardManifest.class).fingerprint();
        Set<String> idsBefore = sampleIds();
        Distill4jConfig reshard =
                job.config("dataset.root=\"" + otherImages.resolve("cityscapes") + "\"", "shard.overwrite=true");
        new ShardJob(job.spark(), reshard.dataset(), reshard.shard()).run();
        String after = Manifests.read(fs(), dir("shards"), ShardManifest.class).fingerprint();
        assertNotEquals(before, after, "other images, other fingerprint");
        assertEquals(idsBefore, sampleIds(), "the same sample ids: a join by id alone cannot tell");

        Path cache = cacheDir();
        StageOutputException d = assertThrows(StageOutputException.class, () -> job.distill("distill.run-id=kd-stale"));
        assertNamesBoth(d.getMessage(), cache, before, after);
        assertFalse(java.nio.file.Files.exists(job.work().resolve("runs/kd-stale/_manifest.json")));

        StageOutputException e =
                assertThrows(StageOutputException.class, () -> new EvaluateJob(job.spark(), job.config(), QUIET)
                        .evaluate("kd", dir("runs/kd")));
        assertNamesBoth(e.getMessage(), dir("runs/kd"), before, after);
        assertFalse(java.nio.file.Files.exists(job.work().resolve("runs/kd/report/metrics.json")));

        StageOutputException c = assertThrows(
                StageOutputException.class, () -> new CacheTeacherJob(job.spark(), job.config(), QUIET).run());
        assertTrue(c.getMessage().contains("its input shards") && c.getMessage().contains(after), c.getMessage());
    }

    @Test
    @Order(4)
    void shardsOfAnOlderVersionWithoutAFingerprintAreRefusedByTheStagesThatReadThem() throws Exception {
        ObjectNode m = Manifest.read(fs(), dir("shards"));
        ObjectNode old = m.deepCopy();
        old.remove(List.of("fingerprint", "split_fingerprints", "provenance"));
        Manifest.write(fs(), dir("shards"), old);
        try {
            for (String stage : List.of("train-teacher", "distill")) {
                StageOutputException e = assertThrows(StageOutputException.class, () -> {
                    if (stage.equals("train-teacher")) {
                        new TrainTeacherJob(
                                        job.spark(),
                                        job.config("teacher.dir=\"" + job.dir().resolve("t-old") + "\""),
                                        QUIET)
                                .run();
                    } else {
                        job.distill("distill.run-id=old", "distill.terms=[]");
                    }
                });
                assertTrue(
                        e.getMessage().startsWith(stage + ": shards ")
                                && e.getMessage().contains("re-run shard with --overwrite"),
                        e.getMessage());
            }
        } finally {
            Manifest.write(fs(), dir("shards"), m);
        }
    }

    @Test
    @Order(5)
    void anInterruptedRunResumesOnlyWithTheSettingsItWasTrainingWith() throws Exception {
        // Teacher-free terms: test 3 left shards that the cached teacher outputs no longer match.
        String terms = "distill.terms=[{kind=mutual, student-tap=logits, teacher-output=logits, weight=1.0, tau=1.0}]";
        job.distill("distill.run-id=cut", terms);
        fs().delete(new Path(dir("runs/cut"), Manifest.FILE_NAME), false); // "killed" after epoch 1 of 1
        StageOutputException e = assertThrows(
                StageOutputException.class,
                () -> job.distill("distill.run-id=cut", "train.epochs=2", terms.replace("weight=1.0", "weight=0.5")));
        System.out.println("[provenance] " + e.getMessage());
        assertTrue(
                e.getMessage().contains("distill4j.distill.terms is ")
                        && e.getMessage().contains("distill.resume=false"),
                e.getMessage());
        DistillJob.Result r = job.distill("distill.run-id=cut", "train.epochs=2", terms);
        assertEquals(
                2,
                java.nio.file.Files.readAllLines(job.work().resolve("runs/cut/metrics.jsonl")).stream()
                        .filter(l -> l.contains("\"kind\":\"epoch\""))
                        .count(),
                "more epochs: the same run, extended");
        assertTrue(r.examples() > 0);
    }

    static void assertNamesBoth(String message, Path consumed, String before, String after) {
        System.out.println("[provenance] " + message);
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String part : List.of(consumed.toString(), dir("shards").toString(), before, after)) {
            assertTrue(message.contains(part), "names " + part + ": " + message);
        }
    }

    static Set<String> sampleIds() {
        return new TreeSet<>(job.spark()
                .read()
                .parquet(job.work().resolve("shards/train").toString())
                .select("sample_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList());
    }
}
