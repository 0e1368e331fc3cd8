package io.distill4j.jobs;

import static org.apache.spark.sql.functions.col;

import io.distill4j.augment.CachedViews;
import io.distill4j.augment.TrainingViews;
import io.distill4j.augment.ViewedSample;
import io.distill4j.cache.ModelFiles;
import io.distill4j.cache.TeacherInference;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.DistillSettings;
import io.distill4j.config.DistillTerm;
import io.distill4j.data.ShardRecord;
import io.distill4j.manifest.DecidingSettings;
import io.distill4j.manifest.InputRef;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.ModelFacts;
import io.distill4j.manifest.Provenance;
import io.distill4j.manifest.ResumeCheck;
import io.distill4j.manifest.RunManifest;
import io.distill4j.method.MethodOptions;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.SizedGraphs;
import io.distill4j.model.TapInfo;
import io.distill4j.onnx.export.ExportOnnxCommand;
import io.distill4j.onnx.export.OnnxExportException;
import io.distill4j.onnx.export.OnnxExporter;
import io.distill4j.onnx.export.OnnxFiles;
import io.distill4j.onnx.export.SpatialSize;
import io.distill4j.storage.OutputPlacement;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import io.distill4j.train.BetweenEpochRounds;
import io.distill4j.train.EpochData;
import io.distill4j.train.EpochValidator;
import io.distill4j.train.Examples;
import io.distill4j.train.GraphCopies;
import io.distill4j.train.RunDirectory;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.train.SparkTrainer;
import io.distill4j.train.TrainingDriver;
import io.distill4j.train.TrainingObjective;
import io.distill4j.util.OffHeapEstimate;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * DISTILL: trains the student on the executors with synchronous parameter averaging against the
 * teacher's outputs, read from the cache (joined to the shards on sample_id, decoded on the
 * executors) or computed online by a broadcast teacher inside the data pipeline. The shards decide
 * the task: a segmentation student on Cityscapes, a CenterNet detector on COCO. With no
 * distillation terms the same job trains the baseline student. Writes
 * {@code runs/<run-id>/}: student.zip (student only: no adapters, no distillation outputs),
 * with distill.export-onnx also student.onnx (the same student as ONNX), checkpoints/,
 * metrics.jsonl, config.conf, _manifest.json.
 */
public final class DistillJob {
    public static final String STUDENT_FILE = "student.zip";
    /** The configuration key that picks the run directory (this stage's output) under distill.runs-dir. */
    public static final String RUN_KEY = "distill4j.distill.run-id";
    /** The student as ONNX, written beside student.zip when distill.export-onnx is on. */
    public static final String STUDENT_ONNX_FILE = "student.onnx";
    /** The second student of a mutual-learning or mutual contrastive run. */
    public static final String PEER_FILE = "peer.zip";

    private final SparkSession spark;
    private final Distill4jConfig config;
    private final PrintStream console;
    private final boolean overwrite;
    /** Teacher forwards of an online teacher, one per example built (printed at the end of the run). */
    private org.apache.spark.util.LongAccumulator teacherForwards;

    public DistillJob(SparkSession spark, Distill4jConfig config, boolean overwrite, PrintStream console) {
        this.spark = spark;
        this.config = config;
        this.overwrite = overwrite;
        this.console = console;
    }

    public record Result(String runDir, long examples, long missingTeacher, double secondsPerEpoch) {}

    public Result run() throws Exception {
        Path runDir = new Path(
                Storage.path(config.distill().runsDir()), config.distill().runId());
        OutputPlacement.requireApart(
                RUN_KEY,
                runDir,
                Map.of(
                        Shards.KEY,
                        Storage.path(config.shard().output()),
                        TrainTeacherJob.TEACHER_KEY,
                        Storage.path(config.teacher().dir()),
                        CacheTeacherJob.CACHE_KEY,
                        Storage.path(config.cache().output())));
        try (StageRun stage = StageRun.start(spark, "distill", console)) {
            return run(stage);
        }
    }

    /**
     * What a run reads, resolved (and leased) before its run directory is claimed: the shards and the
     * task bound to them, the size the networks train at and the task's models at that size, the
     * teacher (null for a baseline), its cache (null for an online teacher) and the teacher outputs
     * the objective may draw on, as they are at the training size.
     *
     * @param bp           the student trained, at the training size
     * @param deployed     the student saved in student.zip, at the shard size
     * @param teacherGraph the DL4J teacher at the training size (null for a baseline or an ONNX teacher)
     */
    private record Plan(
            Shards shards,
            TaskModels models,
            TrainingSize size,
            TaskModels sized,
            String split,
            String label,
            ModelBlueprint bp,
            ModelBlueprint deployed,
            String preprocessing,
            boolean distilling,
            TeacherSource teacher,
            ComputationGraph teacherGraph,
            TeacherCache cache,
            Map<String, TapInfo> teacherOutputs,
            Map<String, InputRef> inputs) {
        String fingerprint() {
            return teacher == null ? null : teacher.fingerprint();
        }
    }

    /** The examples of each epoch, the training samples the cache had no output for, and an online DL4J teacher. */
    private record Data(IntFunction<EpochData<?>> epochs, long missing, ExecutorModel onlineModel) {}

    /** The run, holding leases on the shards, teacher and cache it reads and the claim of its run directory. */
    private Result run(StageRun stage) throws Exception {
        JavaSparkContext sc = stage.sc();
        DistillSettings ds = config.distill();
        Plan plan = plan(stage, ds);
        TrainingObjective objective =
                plan.sized().studentObjective(plan.bp(), plan.teacherOutputs(), ds.terms(), plan.teacherGraph());
        // student.zip holds the student at the shard size, whatever size it trained at.
        ComputationGraphConfiguration deployed = plan.size().differs()
                ? plan.models()
                        .studentObjective(plan.deployed(), Map.of(), List.of(), null)
                        .studentOnlyConfiguration()
                : objective.studentOnlyConfiguration();
        List<String> needed = objective.teacherOutputsNeeded();
        TrainingViews views = trainingViews(
                plan.shards(),
                ds,
                plan.distilling(),
                plan.cache() != null ? plan.cache().outputs() : Map.of(),
                plan.cache() != null ? plan.cache().viewsPerSample() : 0,
                needed);
        SpatialSize onnxSize =
                new SpatialSize(plan.shards().height(), plan.shards().width());
        if (ds.exportOnnx()) {
            // Fail before training, not after it, when the student has a layer the exporter cannot write.
            exportOnnx(exportStudent(deployed, null), onnxSize, "distill4j.distill.export-onnx");
        }

        // A DL4J online teacher's engine is picked before the check, which estimates the engine that runs.
        InferenceEngines.Choice onlineTeacher =
                plan.distilling() && ds.onlineTeacher() && !plan.teacher().isOnnx()
                        ? onlineTeacher(plan, needed)
                        : null;
        List<MemoryPreflight.Model> taskModels = new ArrayList<>();
        taskModels.add(new MemoryPreflight.Model(objective.configuration(), OffHeapEstimate.Use.TRAINING));
        if (onlineTeacher != null)
            taskModels.add(new MemoryPreflight.Model(onlineTeacher.net().getConfiguration(), onlineTeacher.use()));
        MemoryPreflight.check(
                spark,
                config,
                "distill",
                new MemoryPreflight.Workload(
                        taskModels,
                        config.train().batchSizePerWorker(),
                        "distill4j.train.batch-size-per-worker",
                        plan.size().height(),
                        plan.size().width()),
                console);
        Path dir = new Path(Storage.path(ds.runsDir()), ds.runId());
        FileSystem fs = stage.fs(dir);
        RunDirectory run = stage.claimRun(
                fs, dir, RUN_KEY, overwrite, "run " + dir + " is complete; pass --overwrite to train it again");
        teacherForwards = sc.sc().longAccumulator("online-teacher-forwards");
        Data data = epochData(sc, ds, plan, objective, views, needed, onlineTeacher);
        startOrResume(fs, run, ds);
        String fingerprint = plan.fingerprint();
        stage.jobGroup(
                "DISTILL",
                "DISTILL " + ds.runId() + " terms " + objective.outputNames() + " teacher "
                        + (fingerprint == null ? "none" : fingerprint) + (ds.onlineTeacher() ? " online" : " cached"));
        console.printf(
                "[%s] student %s; outputs %s; teacher %s%n",
                plan.label(),
                plan.bp().describe(),
                objective.outputNames(),
                fingerprint == null
                        ? "none (baseline)"
                        : fingerprint + (ds.onlineTeacher() ? " (online)" : " (cached)"));
        // Driver-side training between epochs, as the terms' methods declare it.
        SparkTrainer.BetweenEpochs between = BetweenEpochRounds.of(sc, run, objective, config.train());
        EpochValidator validator = config.train().validateEvery() > 0
                ? new EvaluateJob(spark, config, console).validator(net -> exportStudent(deployed, net))
                : null;
        TrainingDriver.Trained trained = TrainingDriver.run(
                sc,
                fs,
                run,
                objective,
                config.train(),
                data.epochs(),
                ds.resume(),
                plan.label(),
                console,
                between,
                validator);

        writeStudents(fs, run, objective, deployed, trained.net(), onnxSize, plan.label());
        // An epoch's time includes the driver's work before it (the holistic critic's round).
        double secondsPerEpoch = run.metrics().stream()
                .mapToDouble(m -> m.path("seconds").asDouble()
                        + m.path("before_epoch").path("seconds").asDouble(0))
                .average()
                .orElse(Double.NaN);
        StageRun.commit(run, Manifests.toJson(manifest(stage, ds, plan, objective, needed, data, secondsPerEpoch)));
        if (plan.distilling() && ds.onlineTeacher()) {
            console.printf(
                    "[%s] online teacher: %d forwards (one per example and epoch trained, plus the probe's)%n",
                    plan.label(), teacherForwards.value());
        }
        console.printf("[%s] wrote %s%n", plan.label(), run.file(STUDENT_FILE));
        long examples = plan.shards().count(plan.split()) - data.missing();
        return new Result(dir.toString(), examples, data.missing(), secondsPerEpoch);
    }

    /** Opens (and leases) what the run reads: the shards, and unless it trains the baseline the teacher and its cache. */
    private Plan plan(StageRun stage, DistillSettings ds) {
        stage.hold(Storage.path(config.shard().output()));
        Shards shards = Shards.open(spark, config.shard().output());
        TaskModels models = TaskModels.of(config, shards, "distill");
        TrainingSize size = TrainingSize.of(config.augment(), shards.height(), shards.width());
        TaskModels sized = size.models(models);
        String split = shards.trainSplit("distill");
        Map<String, InputRef> inputs = new LinkedHashMap<>();
        inputs.put("shards", shards.asInput("distill"));
        String preprocessing = Examples.preprocessing(shards.height(), shards.width());
        boolean distilling =
                ds.terms().stream().anyMatch(t -> t.weight() > 0 && !t.kind().teacherFree());
        TeacherSource teacher = null;
        ComputationGraph teacherGraph = null;
        TeacherCache cache = null;
        Map<String, TapInfo> teacherOutputs = Map.of();
        if (distilling) {
            teacher = openTeacher(stage, ds, models, shards, preprocessing, inputs);
            if (!teacher.isOnnx())
                teacherGraph = size.teacher(
                        sized,
                        teacher.graph(),
                        "the teacher " + inputs.get("teacher").path());
            if (ds.onlineTeacher()) {
                if (teacher.isOnnx() && size.differs()) {
                    throw new StageOutputException(size.describe() + ": the online ONNX teacher (teacher.onnx.path) "
                            + "runs at the shard size its file was checked for; use a DL4J teacher (teacher.dir) "
                            + "or set crop = [0, 0]");
                }
                teacherOutputs = teacher.isOnnx()
                        ? teacher.onnx().taps()
                        : sized.teacher().taps();
            } else {
                cache = openCache(stage, shards, teacher.fingerprint(), preprocessing, inputs);
                // A cache of the whole image holds shard-sized maps, which the views resample onto the crop;
                // a cache of drawn views holds them at the crop size already.
                teacherOutputs = cache.viewsPerSample() == 0 ? size.viewed(cache.outputs()) : cache.outputs();
            }
        }
        return new Plan(
                shards,
                models,
                size,
                sized,
                split,
                "distill " + ds.runId(),
                sized.student(),
                models.student(),
                preprocessing,
                distilling,
                teacher,
                teacherGraph,
                cache,
                teacherOutputs,
                inputs);
    }

    /** The teacher, loaded and checked once, recorded as the run's "teacher" input. */
    private TeacherSource openTeacher(
            StageRun stage,
            DistillSettings ds,
            TaskModels models,
            Shards shards,
            String preprocessing,
            Map<String, InputRef> inputs) {
        if (config.teacher().isOnnx()) refuseGraftingTerms(ds.terms());
        TeacherSource teacher = TeacherSource.open(stage, config, models, shards, preprocessing);
        String path = teacher.isOnnx()
                ? config.teacher().onnx().path()
                : TeacherSource.modelFile(config).getParent().toString();
        inputs.put("teacher", new InputRef(path, teacher.fingerprint()));
        return teacher;
    }

    /** Either engine's cache: the directory is named by the teacher's fingerprint; checked against the shards and views. */
    private TeacherCache openCache(
            StageRun stage, Shards shards, String fingerprint, String preprocessing, Map<String, InputRef> inputs) {
        stage.hold(new Path(Storage.path(config.cache().output()), fingerprint));
        TeacherCache cache = TeacherCache.open(spark, config.cache().output(), fingerprint, preprocessing);
        cache.requireComputedOn(shards, "distill");
        cache.requireViews(
                config.cache().viewsPerSample() == 0
                        ? TeacherInference.identityView(shards.height(), shards.width())
                        : CachedViews.describe(
                                config.cache().viewsPerSample(), config.cache().viewSeed(), config.augment()),
                "distill");
        inputs.put("cache", new InputRef(cache.dir().toString(), cache.fingerprint()));
        return cache;
    }

    /** Each epoch's examples: plain for the baseline, joined to the cache, or built with an online teacher. */
    private Data epochData(
            JavaSparkContext sc,
            DistillSettings ds,
            Plan plan,
            TrainingObjective objective,
            TrainingViews views,
            List<String> needed,
            InferenceEngines.Choice onlineTeacher) {
        Shards shards = plan.shards();
        String split = plan.split();
        if (!plan.distilling()) {
            JavaRDD<ShardRecord> train = shards.records(split);
            return new Data(
                    epoch -> EpochData.mapped(train, r -> objective.example(views.sample(r, epoch), Map.of())),
                    0,
                    null);
        }
        if (plan.cache() != null) return cachedData(ds, plan, objective, views, needed);
        if (plan.teacher().isOnnx()) {
            // The ONNX forward pass names its outputs by their distill4j names already.
            Map<String, String> keyToName = new LinkedHashMap<>();
            for (String n : needed) keyToName.put(n, n);
            return new Data(
                    onlineData(
                            shards.records(split),
                            objective,
                            plan.teacher().onnx().broadcast(sc),
                            keyToName,
                            views),
                    0,
                    null);
        }
        ExecutorModel onlineModel = onlineTeacher.ship(sc, plan.size().poolKey(plan.fingerprint()));
        Map<String, String> vertexToName = vertexToName(plan, needed);
        return new Data(onlineData(shards.records(split), objective, onlineModel, vertexToName, views), 0, onlineModel);
    }

    /** The DL4J teacher's output vertices the terms need, each to the name the examples use. */
    private static Map<String, String> vertexToName(Plan plan, List<String> needed) {
        Map<String, String> vertexToName = new LinkedHashMap<>();
        for (String n : needed) vertexToName.put(plan.teacherOutputs().get(n).vertexName(), n);
        return vertexToName;
    }

    /** The engine the online DL4J teacher (at the training size) runs on, with the outputs the terms need. */
    private InferenceEngines.Choice onlineTeacher(Plan plan, List<String> needed) {
        TrainingSize size = plan.size();
        return InferenceEngines.choose(
                config.inference(),
                plan.teacherGraph(),
                List.copyOf(vertexToName(plan, needed).keySet()),
                InferenceEngines.expectation(plan.models(), size.height(), size.width()),
                "the teacher " + plan.inputs().get("teacher").path(),
                line -> console.printf("[%s] %s%n", plan.label(), line));
    }

    /** The training shards joined to the cache; samples without cached outputs refused, or skipped when configured. */
    private Data cachedData(
            DistillSettings ds, Plan plan, TrainingObjective objective, TrainingViews views, List<String> needed) {
        TeacherCache cache = plan.cache();
        Dataset<Row> joined = cache.joinTo(plan.shards().frame(plan.split()), plan.split(), needed);
        org.apache.spark.sql.Column anyMissing = null;
        for (String n : needed) {
            org.apache.spark.sql.Column c = col(TeacherCache.column(n)).isNull();
            anyMissing = anyMissing == null ? c : anyMissing.or(c);
        }
        long missing = joined.filter(anyMissing).count();
        if (missing > 0 && !ds.skipMissingTeacher()) {
            List<String> ids = joined.filter(anyMissing)
                    .select("sample_id")
                    .limit(3)
                    .as(org.apache.spark.sql.Encoders.STRING())
                    .collectAsList();
            throw new StageOutputException(missing + " training samples have no cached teacher output in "
                    + cache.dir() + " (e.g. " + String.join(", ", ids)
                    + "); rerun cache-teacher, or set distill.on-missing-teacher=skip");
        }
        Dataset<Row> usable = missing > 0 ? joined.filter(org.apache.spark.sql.functions.not(anyMissing)) : joined;
        if (missing > 0)
            console.printf("[%s] skipping %d samples with no cached teacher output%n", plan.label(), missing);
        int[] columns = needed.stream()
                .mapToInt(n -> usable.schema().fieldIndex(TeacherCache.column(n)))
                .toArray();
        List<String> names = List.copyOf(needed);
        JavaRDD<Row> rows = usable.javaRDD();
        int cachedViews = cache.viewsPerSample();
        long seed = config.train().seed();
        IntFunction<EpochData<?>> epochs = epoch -> EpochData.mapped(rows, row -> {
            FaultInjection.maybeHold("distill", "epoch-" + epoch);
            if (cachedViews > 0) {
                // Exact views: the student's input is built from the very view the teacher saw.
                ShardRecord r = ShardSchema.fromRow(row);
                TeacherCache.CachedView cv = TeacherCache.cachedView(
                        row, columns, names, CachedViews.pick(seed, epoch, r.sampleId(), cachedViews), cachedViews);
                return objective.example(ViewedSample.of(r, cv.view()), cv.teacher());
            }
            Map<String, float[]> t = new LinkedHashMap<>();
            for (int i = 0; i < columns.length; i++)
                t.put(names.get(i), TeacherCache.decode(row.getStruct(columns[i])));
            ShardRecord r = ShardSchema.fromRow(row);
            return objective.example(views.sample(r, epoch), views.teacher(t, epoch, r.sampleId()));
        });
        return new Data(epochs, missing, null);
    }

    /** Checks a resumed run against its recorded settings, then records this run's (what a later resume checks). */
    private void startOrResume(FileSystem fs, RunDirectory run, DistillSettings ds) {
        if (ds.resume() && run.latestCheckpoint().isPresent()) {
            ResumeCheck.require(
                    fs,
                    run.file("config.conf"),
                    DecidingSettings.distill(config.resolvedConfig()),
                    DecidingSettings::distill,
                    "distill4j.train.epochs",
                    "set distill.resume=false to start it over");
        }
        run.writeText("config.conf", config.redactedJson());
    }

    /** student.zip, with distill.export-onnx student.onnx, and the peer of a mutual-learning run. */
    private void writeStudents(
            FileSystem fs,
            RunDirectory run,
            TrainingObjective objective,
            ComputationGraphConfiguration deployed,
            ComputationGraph trained,
            SpatialSize onnxSize,
            String label) {
        ComputationGraph student = exportStudent(deployed, trained);
        ModelFiles.write(fs, run.file(STUDENT_FILE), student, false);
        if (config.distill().exportOnnx()) {
            OnnxExporter.Exported onnx = exportOnnx(student, onnxSize, "distill4j.distill.export-onnx");
            OnnxFiles.write(fs, run.file(STUDENT_ONNX_FILE), onnx.model());
            console.printf("[%s] wrote %s: %s%n", label, run.file(STUDENT_ONNX_FILE), ExportOnnxCommand.describe(onnx));
        }
        if (objective.hasPeer()) {
            // Mutual (contrastive) learning trained two students; the peer is exported on its own too.
            ComputationGraph peer = new ComputationGraph(objective.studentOnlyConfiguration());
            peer.init();
            GraphCopies.copyParameters(trained, SegmentationObjective.PEER_PREFIX, peer);
            ModelFiles.write(fs, run.file(PEER_FILE), exportStudent(deployed, peer), false);
        }
    }

    /** The run's _manifest.json. */
    private RunManifest manifest(
            StageRun stage,
            DistillSettings ds,
            Plan plan,
            TrainingObjective objective,
            List<String> needed,
            Data data,
            double secondsPerEpoch) {
        List<RunManifest.Term> terms = new ArrayList<>();
        for (Map.Entry<String, DistillTerm> e : objective.distillationOutputs().entrySet()) {
            DistillTerm t = e.getValue();
            terms.add(new RunManifest.Term(
                    e.getKey(), t.kind().id(), t.studentTap(), t.teacherOutput(), t.weight(), t.tau(), options(t)));
        }
        ModelFacts facts = plan.models().facts(plan.deployed());
        Provenance provenance = stage.provenance(
                config.train().seed(), plan.inputs(), DecidingSettings.distill(config.resolvedConfig()));
        boolean distilling = plan.distilling();
        TeacherSource teacher = plan.teacher();
        long missing = data.missing();
        return new RunManifest(
                RunManifest.STAGE,
                Instant.now().toString(),
                provenance,
                ds.runId(),
                STUDENT_FILE,
                ds.exportOnnx() ? STUDENT_ONNX_FILE : null,
                plan.fingerprint(),
                distilling ? (ds.onlineTeacher() ? "online" : "cached") : "none",
                !distilling ? null : teacher.source(config),
                !distilling
                        ? null
                        : data.onlineModel() != null
                                ? data.onlineModel().engine()
                                : plan.cache() != null
                                        ? plan.cache().engine()
                                        : teacher.isOnnx() ? "onnx-runtime" : "dl4j",
                plan.preprocessing(),
                plan.deployed().describe(),
                facts.task(),
                facts.dataset(),
                facts.numClasses(),
                facts.outputStride(),
                facts.heatmapVertex(),
                facts.regVertex(),
                facts.categories(),
                config.train().epochs(),
                secondsPerEpoch,
                missing,
                List.copyOf(needed),
                terms,
                plan.split(),
                Map.of("train", plan.shards().count(plan.split()) - missing));
    }

    /**
     * The views of train.augment for this run; a run whose teacher outputs cannot follow them is
     * refused with one line (docs/augmentation.md).
     *
     * @param cachedOutputs the cache's full-image outputs, resampled with each view under teacher-views = transform
     */
    private TrainingViews trainingViews(
            Shards shards,
            DistillSettings ds,
            boolean distilling,
            Map<String, TapInfo> cachedOutputs,
            int cachedViews,
            List<String> needed) {
        String refused = TrainingViews.refusal(
                config.augment(),
                distilling,
                ds.onlineTeacher(),
                ds.transformTeacherViews(),
                cachedViews,
                java.util.Set.copyOf(needed));
        if (refused != null) throw new StageOutputException(refused);
        Map<String, TapInfo> transformed = new LinkedHashMap<>();
        if (ds.transformTeacherViews())
            for (String n : needed) if (cachedOutputs.containsKey(n)) transformed.put(n, cachedOutputs.get(n));
        return new TrainingViews(config.augment(), config.train().seed(), shards.height(), shards.width(), transformed);
    }

    /** The options of the methods that have their own, as the manifest records them; null for the others. */
    private static com.fasterxml.jackson.databind.JsonNode options(DistillTerm t) {
        return t.options() == MethodOptions.NONE ? null : Manifests.JSON.valueToTree(t.options());
    }

    /**
     * Teacher outputs computed inside the data pipeline by a teacher broadcast to the executors,
     * one teacher batch at a time as training pulls the examples.
     *
     * @param keyToName the forward pass's name of each needed output -> its distill4j name
     * @param views     the teacher runs on each sample's view of the epoch, as the student sees it
     */
    private IntFunction<EpochData<?>> onlineData(
            JavaRDD<ShardRecord> train,
            TrainingObjective objective,
            ExecutorModel teacher,
            Map<String, String> keyToName,
            TrainingViews views) {
        OnlineTeacherExamples examples = new OnlineTeacherExamples(
                objective, teacher, keyToName, config.cache().batchSize(), teacherForwards);
        // The view is applied as the builder pulls a record, so the teacher runs on the view the student trains on.
        return epoch -> EpochData.of(
                train,
                records -> examples.call(java.util.stream.StreamSupport.stream(
                                java.util.Spliterators.spliteratorUnknownSize(records, 0), false)
                        .map(r -> views.sample(r, epoch))
                        .iterator()));
    }

    /**
     * CrossKD runs the student's features through the teacher's own frozen layers inside the
     * student graph: an ONNX teacher has no DL4J layers to graft, so such a run is refused.
     */
    static void refuseGraftingTerms(List<DistillTerm> terms) {
        for (DistillTerm t : terms) {
            if (t.kind().method().graftsTeacher() && t.weight() > 0) {
                throw new StageOutputException(
                        "distill.terms: " + t.kind().id()
                                + " grafts the teacher's layers into the student graph, which "
                                + "an ONNX teacher (teacher.onnx.path) does not have; use a DL4J teacher (teacher.dir) or another method");
            }
        }
    }

    /**
     * The student body and task output at the shard size ({@code deployed}), with the trained
     * parameters copied layer by layer from a graph of any size (freshly initialised when
     * {@code trained} is null).
     */
    static ComputationGraph exportStudent(ComputationGraphConfiguration deployed, ComputationGraph trained) {
        if (trained != null) return SizedGraphs.withParameters(deployed, trained);
        ComputationGraph student = new ComputationGraph(deployed);
        student.init();
        return student;
    }

    private static OnnxExporter.Exported exportOnnx(ComputationGraph student, SpatialSize size, String key) {
        try {
            return OnnxExporter.export(student, size);
        } catch (OnnxExportException e) {
            throw new StageOutputException(key + " = true, but the student cannot be exported: " + e.getMessage());
        }
    }
}
