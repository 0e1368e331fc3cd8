package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.cache.ModelFiles;
import io.distill4j.cache.TeacherFingerprint;
import io.distill4j.train.Examples;
import io.distill4j.util.NativeSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input end to end through the command line ({@code io.distill4j.cli.Main} on an embedded
 * {@code local[2]}): every case fails with exit code 1 and exactly one {@code error:} line that
 * names the offending file, key or sample, and leaves the committed shards, teacher and teacher
 * cache byte for byte as they were (sizes, modification times and contents compared).
 */
@Tag("faults")
class BadInputCliTest {
    @TempDir
    static Path tmp;

    static Path sample;
    static Path work;

    @BeforeAll
    static void committedOutputs() throws Exception {
        NativeSetup.init();
        sample = SparkTestSupport.generateSample(tmp.resolve("sample"));
        work = tmp.resolve("work");
        FaultTestSupport.commitThroughCli(work, sample);
    }

    static CliRun cli(String subcommand, String... extra) {
        return CliRun.of(work, sample, subcommand, extra);
    }

    /** Runs a failing command and checks the committed outputs around it; returns its error line. */
    static String failsLeavingOutputsIntact(String subcommand, String... extra) throws IOException {
        Map<String, String> before = FaultTestSupport.fingerprintTree(work);
        CliRun r = cli(subcommand, extra);
        assertEquals(1, r.code(), "expected a failure:\n" + r.out() + r.err());
        String line = r.errorLine();
        System.out.println("[bad-input] " + subcommand + ": " + line);
        assertEquals(
                before, FaultTestSupport.fingerprintTree(work), "committed outputs changed by the failed run: " + line);
        return line;
    }

    static String q(Path p) {
        return "\"" + p + "\"";
    }

    static Path firstPart(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")
                            && p.getFileName().toString().endsWith(".parquet"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
    }

    static Path committedCache() throws IOException {
        try (Stream<Path> s = Files.list(work.resolve("teacher-cache"))) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void truncatedShardFileIsNamed() throws Exception {
        Path shards = BrokenCopies.copyTree(work.resolve("shards"), tmp.resolve("truncated-shards"));
        Path part = firstPart(shards.resolve("train"));
        byte[] bytes = Files.readAllBytes(part);
        BrokenCopies.replaceBytes(part, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String line = failsLeavingOutputsIntact(
                "cache-teacher", "shard.output=" + q(shards), "cache.output=" + q(tmp.resolve("cache-of-truncated")));
        assertTrue(line.contains(part.getFileName().toString()), line);
    }

    @Test
    void corruptTeacherCacheFileIsNamed() throws Exception {
        Path cacheRoot = tmp.resolve("corrupt-cache");
        Path cache = BrokenCopies.copyTree(
                committedCache(),
                cacheRoot.resolve(committedCache().getFileName().toString()));
        Path part = firstPart(cache.resolve("train"));
        byte[] garbage = new byte[(int) Files.size(part)];
        new java.util.Random(7).nextBytes(garbage);
        BrokenCopies.replaceBytes(part, garbage);
        String line = failsLeavingOutputsIntact(
                "distill",
                "cache.output=" + q(cacheRoot),
                "distill.runs-dir=" + q(tmp.resolve("runs-corrupt")),
                "train.epochs=1");
        assertTrue(line.contains(part.getFileName().toString()), line);
        assertTrue(line.contains("corrupt or truncated Parquet file"), line);
    }

    @Test
    void cacheOfAnotherTeacherIsRefused() throws Exception {
        // Teacher B (other parameters) next to teacher A's committed cache.
        Path teacherB = tmp.resolve("teacher-b");
        FaultTestSupport.writeUntrainedTeacher(
                SparkTestSupport.config(work, sample, "teacher.dir=" + q(teacherB)), 32, 64, 0.5);
        String fpB = TeacherFingerprint.of(
                ModelFiles.read(
                        FileSystem.getLocal(new Configuration()),
                        new org.apache.hadoop.fs.Path(
                                teacherB.resolve(TrainTeacherJob.MODEL_FILE).toUri()),
                        false),
                Examples.preprocessing(32, 64));
        String fpA = committedCache().getFileName().toString();
        String missing = failsLeavingOutputsIntact(
                "distill", "teacher.dir=" + q(teacherB), "distill.runs-dir=" + q(tmp.resolve("runs-b")));
        assertTrue(missing.contains("no teacher cache for teacher " + fpB), missing);

        // A's cache under B's fingerprint (renamed by hand): its manifest gives it away.
        Path renamedRoot = tmp.resolve("renamed-cache");
        BrokenCopies.copyTree(committedCache(), renamedRoot.resolve(fpB));
        String renamed = failsLeavingOutputsIntact(
                "distill",
                "teacher.dir=" + q(teacherB),
                "cache.output=" + q(renamedRoot),
                "distill.runs-dir=" + q(tmp.resolve("runs-b2")));
        assertTrue(renamed.contains("'fingerprint' is " + fpA) && renamed.contains(fpB), renamed);
    }

    @Test
    void missingPathsInTheConfigurationAreNamed() throws Exception {
        Path nowhere = tmp.resolve("no-such-dir");
        String root = failsLeavingOutputsIntact(
                "shard", "dataset.root=" + q(nowhere), "shard.output=" + q(tmp.resolve("shards-x")));
        assertTrue(root.contains(nowhere.toString()) && root.contains("dataset.root"), root);
        String teacher = failsLeavingOutputsIntact(
                "cache-teacher", "teacher.dir=" + q(nowhere), "cache.output=" + q(tmp.resolve("cache-x")));
        assertTrue(teacher.contains(nowhere.toString()) && teacher.contains("teacher.dir"), teacher);
        String shards = failsLeavingOutputsIntact(
                "distill", "shard.output=" + q(nowhere), "distill.runs-dir=" + q(tmp.resolve("runs-x")));
        assertTrue(shards.contains(nowhere.toString()) && shards.contains("shard.output"), shards);
        CliRun conf = cli("shard", "--conf", nowhere.resolve("experiment.conf").toString());
        assertEquals(1, conf.code(), conf.err());
        assertTrue(
                conf.errorLine().contains("configuration file not found: " + nowhere.resolve("experiment.conf")),
                conf.err());
    }

    @Test
    void completeOutputIsNotOverwrittenWithoutBeingAsked() throws Exception {
        String line = failsLeavingOutputsIntact("shard");
        assertTrue(line.contains(work.resolve("shards").toString()) && line.contains("--overwrite"), line);
    }

    @Test
    void unwritableOutputDirectoryIsNamed() throws Exception {
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        boolean immutable = makeReadOnly(readOnly);
        try {
            Assumptions.assumeTrue(
                    !Files.isWritable(readOnly) || immutable,
                    "cannot make a directory read-only here (root without chattr)");
            Path target = readOnly.resolve("shards");
            String line = failsLeavingOutputsIntact("shard", "shard.output=" + q(target));
            assertTrue(line.contains(readOnly.toString()), line);
        } finally {
            if (immutable)
                new ProcessBuilder("chattr", "-i", readOnly.toString()).start().waitFor();
            readOnly.toFile().setWritable(true);
        }
    }

    /** Read-only for this user; as root permissions are not enforced, so the immutable attribute is used. */
    static boolean makeReadOnly(Path dir) throws Exception {
        dir.toFile().setWritable(false, false);
        if (!"root".equals(System.getProperty("user.name"))) return false;
        try {
            return new ProcessBuilder("chattr", "+i", dir.toString())
                            .redirectErrorStream(true)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void emptyDatasetIsNamed() throws Exception {
        Path empty = tmp.resolve("empty-cityscapes");
        Files.createDirectories(empty.resolve("leftImg8bit/train"));
        Files.createDirectories(empty.resolve("gtFine/train"));
        Files.createDirectories(empty.resolve("leftImg8bit/val"));
        Files.createDirectories(empty.resolve("gtFine/val"));
        String line = failsLeavingOutputsIntact(
                "shard", "dataset.root=" + q(empty), "shard.output=" + q(tmp.resolve("shards-empty")));
        assertTrue(line.contains(empty.resolve("leftImg8bit/train").toString()) && line.contains("holds no"), line);
        assertTrue(!line.contains("Exception"), "a Java class name is noise to the user: " + line);
    }

    @Test
    void zeroSizedCocoBoxNamesTheSampleAndAnnotation() throws Exception {
        ObjectNode[] ann = new ObjectNode[1];
        Path json = BrokenCopies.cocoWithEditedTrainJson(sample, tmp.resolve("coco-zero-box"), root -> {
            ann[0] = (ObjectNode) root.path("annotations").get(0);
            ((ArrayNode) ann[0].path("bbox")).set(2, 0.0);
        });
        String line = cocoShardFails(json, "shards-coco");
        assertTrue(
                line.contains("annotation " + ann[0].path("id").asLong()) && line.contains("zero or negative size"),
                line);
        assertTrue(line.contains("sample "), line);
    }

    static String cocoShardFails(Path json, String outName) throws IOException {
        Path root = json.getParent().getParent();
        return failsLeavingOutputsIntact(
                "shard",
                "dataset.kind=coco",
                "dataset.splits=[train2017]",
                "dataset.root=" + q(root),
                "shard.height=32",
                "shard.width=32",
                "shard.output=" + q(tmp.resolve(outName)));
    }

    @Test
    void cocoSplitWithoutAnnotationsIsRefusedNamingTheFile() throws Exception {
        Path json = BrokenCopies.cocoWithEditedTrainJson(
                sample, tmp.resolve("coco-no-annotations"), root -> root.putArray("annotations"));
        String line = cocoShardFails(json, "shards-coco-empty");
        assertTrue(line.contains(json.getFileName().toString()) && line.contains("but no annotations"), line);
    }

    @Test
    void cocoJsonWithoutCategoriesNamesTheMissingArray() throws Exception {
        Path json = BrokenCopies.cocoWithEditedTrainJson(
                sample, tmp.resolve("coco-no-categories"), root -> root.remove("categories"));
        String line = cocoShardFails(json, "shards-coco-nocat");
        assertTrue(
                line.contains(json.getFileName().toString()) && line.contains("no top-level 'categories' array"), line);
        assertTrue(!line.contains("unknown category_id"), line);
    }

    @Test
    void shardSizeTheNetworksCannotTakeIsRefusedBeforeAnythingRuns() throws Exception {
        String line =
                failsLeavingOutputsIntact("shard", "shard.height=60", "shard.output=" + q(tmp.resolve("shards-60")));
        assertTrue(
                line.contains("distill4j.shard.height: shard size 60x64 (HxW) cannot feed the models")
                        && line.contains("e.g. 64x64"),
                line);
        assertTrue(!Files.exists(tmp.resolve("shards-60")), "nothing written");
    }

    @Test
    void labelMapOfAnotherSizeThanItsImageNamesTheFile() throws Exception {
        Path city = tmp.resolve("cityscapes-odd-size");
        Path label = BrokenCopies.labelMapOfAnotherSize(sample, city);
        String line = failsLeavingOutputsIntact(
                "shard", "dataset.root=" + q(city), "shard.output=" + q(tmp.resolve("shards-odd")));
        assertTrue(line.contains(label.getFileName().toString()) && line.contains("50x30"), line);
    }
}
