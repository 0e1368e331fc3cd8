package io.distill4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.DistillTerm;
import io.distill4j.data.DatasetClass;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.cityscapes.CityscapesFormat;
import io.distill4j.data.formats.DatasetFormats;
import io.distill4j.eval.SegmentationMetrics;
import io.distill4j.eval.cityscapes.LabelIdPredictions;
import io.distill4j.eval.cityscapes.LabelPng;
import io.distill4j.eval.report.TaskReport;
import io.distill4j.eval.report.TaskReports;
import io.distill4j.manifest.ModelFacts;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.storage.HadoopConf;
import io.distill4j.storage.Storage;
import io.distill4j.train.EpochValidator;
import io.distill4j.train.Networks;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.train.TrainingObjective;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Semantic segmentation on Cityscapes shards: per-pixel logits over the 19 trainIds, trained with
 * {@link SegmentationObjective}, scored by the confusion matrix summed across executors (mIoU and
 * pixel accuracy, Cityscapes rules at the shard resolution), optionally with labelId PNGs.
 */
final class SegmentationTask implements VisionTask {

    /** The classes in label (trainId) order, as the dataset's format lists them. */
    private static final List<String> CLASS_NAMES = DatasetFormats.of(CityscapesFormat.ID).classes(List.of()).stream()
            .map(DatasetClass::name)
            .toList();

    @Override
    public Task task() {
        return Task.SEGMENTATION;
    }

    @Override
    public String dataset() {
        return CityscapesFormat.ID;
    }

    @Override
    public Shape shape(Shards shards) {
        return new Shape(shards.height(), shards.width(), null);
    }

    @Override
    public List<String> classNames(Shards shards) {
        return CLASS_NAMES;
    }

    @Override
    public ModelBlueprint teacher(Distill4jConfig config, Shape shape) {
        return Networks.teacher(config, CLASS_NAMES.size(), shape.height(), shape.width());
    }

    @Override
    public ModelBlueprint student(Distill4jConfig config, Shape shape) {
        return Networks.student(config, CLASS_NAMES.size(), shape.height(), shape.width());
    }

    @Override
    public int classes(Distill4jConfig config, Shape shape) {
        return teacher(config, shape).spec().numClasses();
    }

    @Override
    public TrainingObjective teacherObjective(ModelBlueprint teacher, Shape shape) {
        return SegmentationObjective.of(teacher, Map.of(), List.of());
    }

    @Override
    public TrainingObjective studentObjective(
            ModelBlueprint student,
            Shape shape,
            Map<String, TapInfo> teacherOutputs,
            List<DistillTerm> terms,
            ComputationGraph teacherNet,
            Map<String, TapInfo> teacherTaps) {
        return SegmentationObjective.of(student, teacherOutputs, terms, teacherNet, teacherTaps);
    }

    @Override
    public ModelFacts facts(ModelBlueprint model, Shape shape) {
        return new ModelFacts(
                id(), dataset(), model.spec().numClasses(), model.spec().outputStride(), null, null, null);
    }

    @Override
    public List<String> heads() {
        return List.of(SegmentationPredictor.LOGITS_VERTEX);
    }

    @Override
    public TaskReport report() {
        return TaskReports.SEGMENTATION;
    }

    @Override
    public Headline headline() {
        return new Headline("miou", report().headline(), "pixel_accuracy", "pixel acc", "Cityscapes");
    }

    @Override
    public EpochValidator.Score validate(
            JavaSparkContext sc, Distill4jConfig config, Shards shards, ExecutorModel executor, ComputationGraph net) {
        String split = config.evaluate().split();
        int batch = config.cache().batchSize();
        return new EpochValidator.Score(
                "mIoU",
                metrics(sc, shards.records(split), executor, batch, null).meanIou(),
                net);
    }

    @Override
    public EvaluateJob.Evaluated evaluate(
            JavaSparkContext sc,
            Distill4jConfig config,
            PrintStream console,
            Shards shards,
            EvaluateJob.Model model,
            EvaluateJob.Evaluated teacher) {
        String split = config.evaluate().split();
        int batch = config.cache().batchSize();
        ExecutorModel executor = model.executor();
        Path predictionsDir =
                config.evaluate().exportPredictions() ? new Path(model.reportDir(), EvaluateJob.PREDICTIONS_DIR) : null;
        if (predictionsDir != null)
            clearDirectory(Storage.fs(predictionsDir, sc.hadoopConfiguration()), predictionsDir);
        JavaRDD<ShardRecord> records = shards.records(split);
        SegmentationMetrics metrics = metrics(sc, records, executor, batch, predictionsDir);
        List<ShardRecord> shown = records.take(config.evaluate().overlays());
        List<byte[]> shownPreds = SegmentationPredictor.predict(model.forward(), shown, batch);
        ObjectNode json = metrics.toMetricsJson(model.name(), split, CLASS_NAMES);
        List<byte[]> teacherPreds =
                teacher != null && teacher.predictions().size() == shown.size() ? teacher.predictions() : null;
        EvaluateJob.writeReport(sc, model, json, (w, local) -> {
            java.nio.file.Files.writeString(local.resolve("per-class.txt"), metrics.toTable(CLASS_NAMES));
            for (int i = 0; i < shown.size(); i++) {
                ShardRecord r = shown.get(i);
                w.addSegmentationSample(
                        r.sampleId(),
                        r.image(),
                        r.height(),
                        r.width(),
                        r.segmentation().trainIds(),
                        teacherPreds == null ? null : teacherPreds.get(i),
                        shownPreds.get(i));
            }
        });
        console.printf(
                "[evaluate] %s: mIoU %.4f  pixel accuracy %.4f  (%s, %d samples) -> %s%s%n",
                model.name(),
                metrics.meanIou(),
                metrics.pixelAccuracy(),
                split,
                shards.count(split),
                model.reportDir(),
                predictionsDir == null ? "" : " (labelId PNGs in " + predictionsDir + ")");
        return new EvaluateJob.Evaluated(
                model.name(), id(), metrics, null, json, model.reportDir(), shown, shownPreds, List.of());
    }

    /**
     * The confusion matrix of a model over the records, computed on the executors (and labelId PNGs
     * when asked).
     */
    private static SegmentationMetrics metrics(
            JavaSparkContext sc, JavaRDD<ShardRecord> records, ExecutorModel executor, int batch, Path predictionsDir) {
        HadoopConf hadoop = HadoopConf.of(sc.hadoopConfiguration());
        int classes = CLASS_NAMES.size();
        return records.mapPartitions(it -> {
                    List<ShardRecord> part = new ArrayList<>();
                    it.forEachRemaining(part::add);
                    SegmentationMetrics m = new SegmentationMetrics(classes);
                    if (part.isEmpty()) return List.of(m).iterator();
                    List<byte[]> preds = executor.with(forward -> SegmentationPredictor.predict(forward, part, batch));
                    for (int i = 0; i < part.size(); i++) {
                        m.add(part.get(i).segmentation().trainIds(), preds.get(i));
                        if (predictionsDir != null) writeLabelIdPng(hadoop, predictionsDir, part.get(i), preds.get(i));
                    }
                    return List.of(m).iterator();
                })
                .reduce(SegmentationMetrics::merge);
    }

    /** The official-format PNG of one prediction: labelIds, nearest-neighbour upsampled to the original size. */
    private static void writeLabelIdPng(HadoopConf hadoop, Path dir, ShardRecord r, byte[] trainIds)
            throws IOException {
        Path file = new Path(dir, LabelIdPredictions.fileName(r.sourceUri()));
        byte[] labelIds = LabelIdPredictions.labelIds(trainIds, r.height(), r.width(), r.origHeight(), r.origWidth());
        byte[] png = LabelPng.encode(r.origWidth(), r.origHeight(), labelIds);
        FileSystem fs = Storage.fs(file, hadoop.get());
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(png);
        }
    }

    private static void clearDirectory(FileSystem fs, Path dir) {
        try {
            if (fs.exists(dir)) fs.delete(dir, true);
            fs.mkdirs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }
}
