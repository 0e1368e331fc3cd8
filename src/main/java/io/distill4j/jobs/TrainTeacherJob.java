package io.distill4j.jobs;

import io.distill4j.cache.ModelFiles;
import io.distill4j.cache.TeacherFingerprint;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.TrainSettings;
import io.distill4j.data.ShardRecord;
import io.distill4j.manifest.DecidingSettings;
import io.distill4j.manifest.InputRef;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.Provenance;
import io.distill4j.manifest.ResumeCheck;
import io.distill4j.manifest.TeacherManifest;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.storage.OutputPlacement;
import io.distill4j.storage.Storage;
import io.distill4j.train.EpochData;
import io.distill4j.train.EpochValidator;
import io.distill4j.train.Examples;
import io.distill4j.train.RunDirectory;
import io.distill4j.train.TrainingDriver;
import io.distill4j.train.TrainingObjective;
import io.distill4j.util.OffHeapEstimate;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * TRAIN-TEACHER: supervised training of the teacher on the train shards (a segmentation network
 * on Cityscapes shards, a CenterNet detector on COCO shards) with the same Spark
 * parameter-averaging trainer as distill. Writes {@code teacher.zip}, checkpoints,
 * metrics.jsonl and a manifest with the teacher fingerprint into {@code teacher.dir}.
 */
public final class TrainTeacherJob {
    public static final String MODEL_FILE = "teacher.zip";
    /** The configuration key naming the teacher directory (this stage's output). */
    public static final String TEACHER_KEY = "distill4j.teacher.dir";

    private final SparkSession spark;
    private final Distill4jConfig config;
    private final PrintStream console;

    public TrainTeacherJob(SparkSession spark, Distill4jConfig config, PrintStream console) {
        this.spark = spark;
        this.config = config;
        this.console = console;
    }

    public record Result(String dir, String fingerprint, int epochs) {}

    public Result run() throws Exception {
        OutputPlacement.requireApart(
                TEACHER_KEY,
                Storage.path(config.teacher().dir()),
                Map.of(Shards.KEY, Storage.path(config.shard().output())));
        try (StageRun stage = StageRun.start(spark, "train-teacher", console)) {
            return run(stage);
        }
    }

    /** The run, holding a lease on the shards and the claim of the teacher directory. */
    private Result run(StageRun stage) throws Exception {
        JavaSparkContext sc = stage.sc();
        stage.hold(Storage.path(config.shard().output()));
        Shards shards = Shards.open(spark, config.shard().output());
        TaskModels models = TaskModels.of(config, shards, "train-teacher");
        String split = shards.trainSplit("train-teacher");
        InputRef shardsInput = shards.asInput("train-teacher");
        ModelBlueprint bp = models.teacher();
        TrainingObjective objective = models.teacherObjective(bp);
        TrainSettings ts = config.train().withEpochs(config.teacher().epochs());
        MemoryPreflight.check(
                spark,
                config,
                "train-teacher",
                new MemoryPreflight.Workload(
                        List.of(new MemoryPreflight.Model(objective.configuration(), OffHeapEstimate.Use.TRAINING)),
                        ts.batchSizePerWorker(),
                        "distill4j.train.batch-size-per-worker",
                        shards.height(),
                        shards.width()),
                console);
        Path dir = Storage.path(config.teacher().dir());
        FileSystem fs = stage.fs(dir);
        RunDirectory run = stage.claimRun(
                fs,
                dir,
                TEACHER_KEY,
                config.teacher().overwrite(),
                "teacher " + dir + " already exists; pass --overwrite (teacher.overwrite=true) "
                        + "to train a new one");
        console.println("[train-teacher] " + bp.describe());
        if (run.latestCheckpoint().isPresent()) {
            ResumeCheck.require(
                    fs,
                    run.file("config.conf"),
                    DecidingSettings.teacher(config.resolvedConfig()),
                    DecidingSettings::teacher,
                    "distill4j.teacher.epochs",
                    "delete " + dir + " to start it over");
        }
        // Written before the first epoch: what an interrupted run is resumed against.
        run.writeText("config.conf", config.redactedJson());
        stage.jobGroup(
                "TRAIN-TEACHER",
                "TRAIN-TEACHER " + bp.spec().name() + " on " + shards.count(split) + " samples of " + split);
        JavaRDD<ShardRecord> train = shards.records(split);
        EpochValidator validator = ts.validateEvery() > 0
                ? new EvaluateJob(spark, config, console).validator(java.util.function.UnaryOperator.identity())
                : null;
        TrainingDriver.Trained t = TrainingDriver.run(
                sc,
                fs,
                run,
                objective,
                ts,
                epoch -> EpochData.mapped(train, r -> objective.example(r, Map.of())),
                true,
                "train-teacher",
                console,
                null,
                validator);
        ComputationGraph net = t.net();
        ModelFiles.write(fs, run.file(MODEL_FILE), net, false);
        String preprocessing = Examples.preprocessing(shards.height(), shards.width());
        String fp = TeacherFingerprint.of(net, preprocessing);
        Provenance provenance = stage.provenance(
                ts.seed(), Map.of("shards", shardsInput), DecidingSettings.teacher(config.resolvedConfig()));
        TeacherManifest m = new TeacherManifest(
                Instant.now().toString(),
                provenance,
                fp,
                MODEL_FILE,
                bp.describe(),
                models.facts(bp),
                preprocessing,
                ts.epochs(),
                shards.root().toString(),
                split,
                shards.count(split));
        StageRun.commit(run, Manifests.toJson(m));
        console.println("[train-teacher] wrote " + run.file(MODEL_FILE) + " (fingerprint " + fp + ")");
        return new Result(dir.toString(), fp, ts.epochs());
    }
}
