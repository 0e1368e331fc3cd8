package io.distill4j.jobs;

import io.distill4j.augment.CachedViews;
import io.distill4j.augment.View;
import io.distill4j.augment.ViewedSample;
import io.distill4j.cache.CacheFooter;
import io.distill4j.cache.CacheParquet;
import io.distill4j.cache.CacheRow;
import io.distill4j.cache.TeacherInference;
import io.distill4j.config.AugmentSettings;
import io.distill4j.config.CacheSettings;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.manifest.CacheManifest;
import io.distill4j.manifest.DecidingSettings;
import io.distill4j.manifest.InputRef;
import io.distill4j.manifest.Manifests;
import io.distill4j.manifest.Reuse;
import io.distill4j.manifest.StageSettings;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.onnx.OnnxModelSpec;
import io.distill4j.onnx.OnnxOutput;
import io.distill4j.storage.HadoopConf;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.OutputPlacement;
import io.distill4j.storage.OwnedDirectory;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.StageOutputException;
import io.distill4j.storage.Storage;
import io.distill4j.tensor.TensorCodec;
import io.distill4j.tensor.TensorCodecs;
import io.distill4j.train.Examples;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * CACHE-TEACHER: runs the teacher once over the shards and caches the configured outputs (taps of
 * the segmentation or detection teacher the shards call for, e.g. logits, or heatmap and reg) in
 * {@code cache.output/<teacher fingerprint>/<split>/part-*.parquet}, one row per sample and output.
 *
 * <p>The teacher is teacher.dir's DL4J graph or, with {@code teacher.onnx.path}, an ONNX file run
 * by ONNX Runtime (checked against the shards before any task starts; one session per executor
 * JVM). With {@code inference.engine = onnx-runtime} the DL4J graph too is run by ONNX Runtime,
 * exported in memory with every cached tap as an output; the fingerprint stays the graph's. One
 * Spark task per shard file: the task borrows the executor's teacher (deserialized once per JVM
 * from a broadcast), infers in minibatches of {@code cache.batch-size}, encodes each output
 * with its codec and commits one cache file named after the shard file by rename. A rerun skips
 * shard files whose cache file exists, so a job killed halfway resumes, and a retried task
 * replaces its file: every sample is cached exactly once. Parallelism = number of shard files
 * still to do; concurrent tasks per executor follow {@code spark.executor.cores / spark.task.cpus}.
 */
public final class CacheTeacherJob {
    /** The configuration key naming the directory that holds one cache per teacher fingerprint. */
    public static final String CACHE_KEY = "distill4j.cache.output";
    /**
     * In a cache directory, from its first file on: the settings and shards fingerprints its files
     * are computed for, so a resumed run knows whether the files already there can be kept.
     */
    static final String PENDING = "_computed_for";

    private final SparkSession spark;
    private final Distill4jConfig config;
    private final PrintStream console;

    public CacheTeacherJob(SparkSession spark, Distill4jConfig config, PrintStream console) {
        this.spark = spark;
        this.config = config;
        this.console = console;
    }

    public record Result(String dir, String fingerprint, Map<String, Long> rows, int filesWritten, int filesSkipped) {}

    /** What a task needs to run the teacher; small, so it ships in the closure. */
    private record TaskSpec(
            ExecutorModel model,
            Map<String, String> keyToOutput,
            Map<String, String> codecs,
            Map<String, int[]> shapes,
            int batchSize,
            String compression,
            String view,
            HadoopConf hadoop,
            String outDir,
            Map<String, String> footer,
            AugmentSettings augment,
            int views,
            long viewSeed)
            implements Serializable {}

    /**
     * The teacher as this job uses it: the {@link TeacherSource}, and per cached output the forward
     * pass's name for it ({@code key}: a DL4J vertex, or the ONNX output's distill4j name), its codec,
     * its CHW shape and what the manifest records as its vertex.
     *
     * @param graph the DL4J teacher at the size it runs at (the crop of drawn views), null for ONNX
     */
    private record Resolved(
            TeacherSource teacher,
            ComputationGraph graph,
            String source,
            Map<String, String> keyToOutput,
            Map<String, String> codecs,
            Map<String, int[]> shapes,
            Map<String, String> vertices) {
        String fingerprint() {
            return teacher.fingerprint();
        }

        OnnxTeacher onnx() {
            return teacher.onnx();
        }
    }

    /** Per split, the shard files cached by this run and the rows of the split's cache files. */
    private record Cached(Map<String, Long> rows, int written, int skipped) {}

    public Result run() throws IOException {
        OutputPlacement.requireApart(
                CACHE_KEY,
                Storage.path(config.cache().output()),
                Map.of(
                        Shards.KEY,
                        Storage.path(config.shard().output()),
                        TrainTeacherJob.TEACHER_KEY,
                        Storage.path(config.teacher().dir())));
        try (StageRun stage = StageRun.start(spark, "cache-teacher", console)) {
            return run(stage);
        }
    }

    /** The run, holding leases on the shards and the teacher and the claim of the cache directory. */
    private Result run(StageRun stage) throws IOException {
        JavaSparkContext sc = stage.sc();
        CacheSettings cs = config.cache();
        stage.hold(Storage.path(config.shard().output()));
        Shards shards = Shards.open(spark, config.shard().output());
        TaskModels models = TaskModels.of(config, shards, "cache-teacher");
        String preprocessing = Examples.preprocessing(shards.height(), shards.width());
        String view = cachedView(cs, shards);
        // Drawn views are crops of train.augment.crop, and the teacher runs at that size; the whole image at the
        // shard's.
        TrainingSize size = cs.viewsPerSample() > 0
                ? TrainingSize.of(config.augment(), shards.height(), shards.width())
                : TrainingSize.of(AugmentSettings.OFF, shards.height(), shards.width());
        Resolved teacher = config.teacher().isOnnx()
                ? onnxTeacher(stage, cs, models, shards, preprocessing, size)
                : dl4jTeacher(stage, cs, models, shards, preprocessing, size);
        String fp = teacher.fingerprint();
        Path out = new Path(Storage.path(cs.output()), fp);
        FileSystem fs = stage.fs(out);
        Map<String, InputRef> inputs = Map.of(
                "shards",
                shards.asInput("cache-teacher"),
                "teacher",
                new InputRef(
                        teacher.onnx() != null
                                ? teacher.source()
                                : config.teacher().dir(),
                        fp));
        StageSettings settings = DecidingSettings.cache(config.resolvedConfig());
        if (Manifest.exists(fs, out)) return reuse(fs, out, fp, settings, inputs);
        // The engine is picked before the check, which estimates the engine that runs, and before the claim.
        InferenceEngines.Choice engine = teacher.onnx() != null
                ? null
                : InferenceEngines.choose(
                        config.inference(),
                        teacher.graph(),
                        List.copyOf(teacher.keyToOutput().keySet()),
                        InferenceEngines.expectation(models, size.height(), size.width()),
                        "the teacher " + teacher.source(),
                        line -> console.println("[cache-teacher] " + line));
        if (engine != null) {
            MemoryPreflight.check(
                    spark,
                    config,
                    "cache-teacher",
                    new MemoryPreflight.Workload(
                            List.of(new MemoryPreflight.Model(engine.net().getConfiguration(), engine.use())),
                            cs.batchSize(),
                            "distill4j.cache.batch-size",
                            size.height(),
                            size.width()),
                    console);
        }
        OwnedDirectory owned = stage.claim(fs, out, CACHE_KEY);
        startOrResume(owned, settings.fingerprint() + " " + inputs.get("shards").fingerprint());
        ExecutorModel model = engine == null ? teacher.onnx().broadcast(sc) : engine.ship(sc, size.poolKey(fp));
        Map<String, String> footer = footer(teacher, models, shards, preprocessing, view);
        Cached cached = cacheSplits(stage, cs, shards, out, teacher, model, footer);
        model.bytes().destroy();
        CacheManifest m = manifest(
                stage, cs, teacher, model, preprocessing, view, shards, models, inputs, settings, cached.rows());
        StageRun.commit(owned, Manifests.toJson(m));
        console.println("[cache-teacher] wrote " + out);
        return new Result(out.toString(), fp, cached.rows(), cached.written(), cached.skipped());
    }

    /** A complete cache: kept when it was computed for these inputs and settings, else refused. */
    private Result reuse(FileSystem fs, Path out, String fp, StageSettings settings, Map<String, InputRef> inputs) {
        CacheManifest existing = Manifests.read(fs, out, CacheManifest.class);
        Optional<String> whyNot = Reuse.whyNot(existing, settings, inputs);
        if (whyNot.isPresent()) {
            throw new StageOutputException("cache-teacher: the cache " + out + " cannot be reused: " + whyNot.get()
                    + "; delete it to recompute it, or set cache.output to another directory");
        }
        console.println("[cache-teacher] " + out + " is complete for teacher " + fp + "; nothing to do");
        return new Result(out.toString(), fp, existing.rows(), 0, 0);
    }

    /** The footer every cache file carries: teacher, task, classes, preprocessing, view and outputs. */
    private static Map<String, String> footer(
            Resolved teacher, TaskModels models, Shards shards, String preprocessing, String view) {
        Map<String, CacheFooter.Output> footerOutputs = new LinkedHashMap<>();
        teacher.keyToOutput()
                .forEach((k, name) -> footerOutputs.put(
                        name,
                        new CacheFooter.Output(
                                teacher.codecs().get(k), teacher.shapes().get(k))));
        return new LinkedHashMap<>(CacheFooter.of(
                teacher.fingerprint(),
                models.id(),
                models.task().classNames(shards),
                teacher.onnx() != null ? teacher.onnx().spec().preprocessing().toString() : preprocessing,
                view,
                footerOutputs));
    }

    /** Caches the shard files of each split not cached yet, one Spark task per file, and counts each split's rows. */
    private Cached cacheSplits(
            StageRun stage,
            CacheSettings cs,
            Shards shards,
            Path out,
            Resolved teacher,
            ExecutorModel model,
            Map<String, String> footer)
            throws IOException {
        JavaSparkContext sc = stage.sc();
        FileSystem fs = stage.fs(out);
        HadoopConf hadoop = HadoopConf.of(sc.hadoopConfiguration());
        int written = 0;
        int skipped = 0;
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String split : cs.splits()) {
            Path splitOut = new Path(out, split);
            fs.mkdirs(splitOut);
            List<String> todo = new ArrayList<>();
            List<Path> files = ShardFiles.list(stage.fs(shards.root()), shards.root(), split);
            for (Path f : files) {
                if (fs.exists(new Path(splitOut, f.getName()))) skipped++;
                else todo.add(f.toString());
            }
            TaskSpec spec = new TaskSpec(
                    model,
                    teacher.keyToOutput(),
                    teacher.codecs(),
                    teacher.shapes(),
                    cs.batchSize(),
                    cs.compression(),
                    TeacherInference.identityView(shards.height(), shards.width()),
                    hadoop,
                    splitOut.toString(),
                    footer,
                    config.augment(),
                    cs.viewsPerSample(),
                    cs.viewSeed());
            stage.jobGroup(
                    "CACHE-TEACHER",
                    String.format(
                            Locale.ROOT,
                            "CACHE-TEACHER %s %d/%d shard files %s teacher %s (%s)",
                            split,
                            todo.size(),
                            files.size(),
                            teacher.codecs().values(),
                            teacher.fingerprint(),
                            model.engine()));
            if (!todo.isEmpty()) {
                sc.parallelize(todo, todo.size()).foreach(file -> cacheOneShard(file, spec));
                written += todo.size();
            }
            long n = 0;
            for (Path f : files) n += CacheParquet.rowCount(sc.hadoopConfiguration(), new Path(splitOut, f.getName()));
            rows.put(split, n);
            console.printf(
                    "[cache-teacher] %s: %d shard files cached (%d already done), %d rows%n",
                    split, todo.size(), files.size() - todo.size(), n);
        }
        return new Cached(rows, written, skipped);
    }

    /** The cache's _manifest.json. */
    private static CacheManifest manifest(
            StageRun stage,
            CacheSettings cs,
            Resolved teacher,
            ExecutorModel model,
            String preprocessing,
            String view,
            Shards shards,
            TaskModels models,
            Map<String, InputRef> inputs,
            StageSettings settings,
            Map<String, Long> rows) {
        Map<String, String> keyToOutput = teacher.keyToOutput();
        List<CacheManifest.CachedOutput> outs = new ArrayList<>();
        for (Map.Entry<String, String> e : keyToOutput.entrySet()) {
            outs.add(new CacheManifest.CachedOutput(
                    e.getValue(),
                    teacher.vertices().get(e.getKey()),
                    teacher.codecs().get(e.getKey()),
                    java.util.Arrays.stream(teacher.shapes().get(e.getKey()))
                            .boxed()
                            .toList()));
        }
        Map<String, Long> count = new LinkedHashMap<>();
        int nOutputs = keyToOutput.size();
        rows.forEach((k, v) -> count.put(k, v / nOutputs / Math.max(1, cs.viewsPerSample())));
        CacheManifest.OnnxTeacher onnx = null;
        if (teacher.onnx() != null) {
            OnnxModelSpec os = teacher.onnx().spec();
            onnx = new CacheManifest.OnnxTeacher(os.input(), os.preprocessing().toString(), os.describe());
        }
        return new CacheManifest(
                CacheManifest.STAGE,
                Instant.now().toString(),
                stage.provenance(null, inputs, settings),
                teacher.fingerprint(),
                teacher.source(),
                model.engine(),
                onnx,
                preprocessing,
                view,
                shards.root().toString(),
                models.id(),
                outs,
                count,
                rows);
    }

    /**
     * What the cache's teacher saw, as its manifest records it: the identity view, or with
     * cache.views-per-sample the description of the drawn views (at train.augment.crop's size).
     */
    private String cachedView(CacheSettings cs, Shards shards) {
        if (cs.viewsPerSample() == 0) return TeacherInference.identityView(shards.height(), shards.width());
        return CachedViews.describe(cs.viewsPerSample(), cs.viewSeed(), config.augment());
    }

    /**
     * Records what an unfinished cache is being computed for, and drops the cache files of an
     * interrupted run made for other shards or settings (they are incomplete, so nothing is lost):
     * a resumed run never mixes files computed on other images.
     */
    private void startOrResume(OwnedDirectory owned, String key) throws IOException {
        FileSystem fs = owned.fs();
        Path out = owned.path();
        Path pending = new Path(out, PENDING);
        if (fs.exists(pending) || fs.listStatus(out).length > 1) {
            String was = "";
            if (fs.exists(pending)) {
                try (var in = fs.open(pending)) {
                    was = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                }
            }
            if (!was.equals(key)) {
                console.println("[cache-teacher] " + out
                        + " holds an interrupted cache of other shards or settings; starting it over");
                owned.clear();
            }
        }
        fs.mkdirs(out);
        Storage.writeText(fs, pending, key + "\n");
    }

    /** teacher.dir's DL4J graph: cache outputs name its taps or vertices; shapes from one forward pass. */
    private Resolved dl4jTeacher(
            StageRun stage, CacheSettings cs, TaskModels models, Shards shards, String preprocessing, TrainingSize size)
            throws IOException {
        Path modelFile = TeacherSource.modelFile(config);
        if (!stage.fs(modelFile).exists(modelFile)) {
            throw new StageOutputException("no teacher at " + modelFile + ": run train-teacher first, put a DL4J "
                    + "ComputationGraph zip there (teacher.dir), or set teacher.onnx.path to an ONNX teacher");
        }
        TeacherSource source = TeacherSource.open(stage, config, models, shards, preprocessing);
        ComputationGraph teacher = size.teacher(size.models(models), source.graph(), "the teacher " + modelFile);
        ModelBlueprint bp = models.teacher();
        Map<String, String> vertexToOutput = new LinkedHashMap<>();
        Map<String, String> codecs = new LinkedHashMap<>();
        for (CacheSettings.Output o : cs.outputs()) {
            String vertex = bp.taps().containsKey(o.name()) ? bp.tap(o.name()).vertexName() : o.name();
            if (teacher.getVertex(vertex) == null) {
                throw new StageOutputException("cache.outputs: the teacher " + modelFile + " has no tap or vertex '"
                        + o.name() + "' (taps: " + bp.taps().keySet() + ")");
            }
            vertexToOutput.put(vertex, o.name());
            codecs.put(vertex, o.codec());
            TensorCodecs.forSpec(o.codec());
        }
        Map<String, String> vertices = new LinkedHashMap<>();
        vertexToOutput.keySet().forEach(v -> vertices.put(v, v));
        return new Resolved(
                source,
                teacher,
                source.source(config),
                vertexToOutput,
                codecs,
                shapes(teacher, size.height(), size.width(), vertexToOutput.keySet()),
                vertices);
    }

    /** teacher.onnx: checked against the shards at start-up; cache outputs name its mapped outputs. */
    private Resolved onnxTeacher(
            StageRun stage,
            CacheSettings cs,
            TaskModels models,
            Shards shards,
            String preprocessing,
            TrainingSize size) {
        if (size.differs()) {
            throw new StageOutputException(size.describe() + ": cache.views-per-sample = " + cs.viewsPerSample()
                    + " would run the ONNX teacher (teacher.onnx.path) on crops, but it runs at the shard size its "
                    + "file was checked for; use a DL4J teacher (teacher.dir) or set crop = [0, 0]");
        }
        TeacherSource source = TeacherSource.open(stage, config, models, shards, preprocessing);
        OnnxTeacher t = source.onnx();
        Map<String, String> keyToOutput = new LinkedHashMap<>();
        Map<String, String> codecs = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, String> vertices = new LinkedHashMap<>();
        for (CacheSettings.Output o : cs.outputs()) {
            OnnxOutput out = t.spec().output(o.name());
            if (out == null) {
                throw new StageOutputException("cache.outputs: the ONNX teacher "
                        + t.spec().source() + " has no output named '" + o.name() + "' (" + OnnxTeacher.KEY
                        + ".outputs names " + t.spec().names() + ")");
            }
            TensorCodecs.forSpec(o.codec());
            keyToOutput.put(o.name(), o.name());
            codecs.put(o.name(), o.codec());
            shapes.put(o.name(), t.spec().shapes().get(o.name()));
            vertices.put(o.name(), out.onnxName());
        }
        return new Resolved(source, null, source.source(config), keyToOutput, codecs, shapes, vertices);
    }

    private static Map<String, int[]> shapes(ComputationGraph teacher, int h, int w, Iterable<String> vertices) {
        INDArray probe = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, h, w);
        Map<String, INDArray> acts = teacher.feedForward(new INDArray[] {probe}, false, false);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String v : vertices) {
            long[] s = acts.get(v).shape();
            shapes.put(v, new int[] {(int) s[1], (int) s[2], (int) s[3]});
        }
        return shapes;
    }

    private static void cacheOneShard(String shardFile, TaskSpec spec) {
        Configuration conf = spec.hadoop.get();
        Path in = new Path(shardFile);
        Path out = new Path(spec.outDir, in.getName());
        FaultInjection.maybeFail("cache-teacher", in.getName());
        FaultInjection.maybeHold("cache-teacher", in.getName());
        List<ShardRecord> read = ShardFiles.read(conf, in);
        List<ShardRecord> samples = read;
        List<String> views = java.util.Collections.nCopies(read.size(), spec.view);
        if (spec.views > 0) {
            // Exact views: the teacher runs on each of the sample's K views, one row per view.
            samples = new ArrayList<>();
            views = new ArrayList<>();
            for (ShardRecord r : read) {
                for (View v : CachedViews.draw(
                        spec.augment, r.height(), r.width(), spec.viewSeed, spec.views, r.sampleId())) {
                    samples.add(ViewedSample.of(r, v));
                    views.add(v.describe());
                }
            }
        }
        List<ShardRecord> inputs = samples;
        List<Map<String, float[]>> values = spec.model.with(forward ->
                TeacherInference.run(forward, inputs, List.copyOf(spec.keyToOutput.keySet()), spec.batchSize));
        Map<String, TensorCodec> codecs = new LinkedHashMap<>();
        spec.codecs.forEach((k, v) -> codecs.put(k, TensorCodecs.forSpec(v)));
        List<CacheRow> rows = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            rows.addAll(TeacherInference.rows(
                    samples.get(i).sampleId(), views.get(i), values.get(i), spec.shapes, spec.keyToOutput, codecs));
        }
        CacheParquet.writeAtomically(
                Storage.fs(out, conf),
                conf,
                out,
                rows,
                CompressionCodecName.fromConf(
                        spec.compression.equals("uncompressed")
                                ? "UNCOMPRESSED"
                                : spec.compression.toUpperCase(Locale.ROOT)),
                spec.footer);
    }
}
