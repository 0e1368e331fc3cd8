package io.distill4j.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.DistillTerm;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.coco.CocoFormat;
import io.distill4j.eval.coco.CocoDetection;
import io.distill4j.eval.coco.CocoEvaluator;
import io.distill4j.eval.coco.CocoGroundTruth;
import io.distill4j.eval.coco.CocoGt;
import io.distill4j.eval.coco.CocoResultsJson;
import io.distill4j.eval.coco.CocoStats;
import io.distill4j.eval.detect.DetectorClasses;
import io.distill4j.eval.detect.ShardBoxes;
import io.distill4j.eval.report.TaskReport;
import io.distill4j.eval.report.TaskReports;
import io.distill4j.manifest.ModelFacts;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import io.distill4j.train.DetectionObjective;
import io.distill4j.train.EpochValidator;
import io.distill4j.train.Networks;
import io.distill4j.train.TrainingObjective;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * CenterNet-style detection on COCO shards: a class heatmap per category and box regression,
 * trained with {@link DetectionObjective}; evaluate decodes each image's outputs into detections
 * in original image pixels with original category ids on the executors, and the driver writes
 * {@code detections.json} and computes the twelve COCOeval numbers.
 */
final class DetectionTask implements VisionTask {

    @Override
    public Task task() {
        return Task.DETECTION;
    }

    @Override
    public String dataset() {
        return CocoFormat.ID;
    }

    @Override
    public Shape shape(Shards shards) {
        return new Shape(shards.height(), shards.width(), shards.categoryIds());
    }

    @Override
    public List<String> classNames(Shards shards) {
        return shards.categoryNames();
    }

    @Override
    public ModelBlueprint teacher(Distill4jConfig config, Shape shape) {
        return Networks.detectionTeacher(config, shape.categoryIds().length, shape.height(), shape.width());
    }

    @Override
    public ModelBlueprint student(Distill4jConfig config, Shape shape) {
        return Networks.detectionStudent(config, shape.categoryIds().length, shape.height(), shape.width());
    }

    @Override
    public int classes(Distill4jConfig config, Shape shape) {
        return shape.categoryIds().length;
    }

    @Override
    public TrainingObjective teacherObjective(ModelBlueprint teacher, Shape shape) {
        return DetectionObjective.of(teacher, shape.categoryIds());
    }

    @Override
    public TrainingObjective studentObjective(
            ModelBlueprint student,
            Shape shape,
            Map<String, TapInfo> teacherOutputs,
            List<DistillTerm> terms,
            ComputationGraph teacherNet,
            Map<String, TapInfo> teacherTaps) {
        return DetectionObjective.of(student, shape.categoryIds(), teacherOutputs, terms, teacherNet, teacherTaps);
    }

    /** Also the output vertices ({@code heatmap_vertex}, {@code reg_vertex}) and {@code categories} (index -> COCO id). */
    @Override
    public ModelFacts facts(ModelBlueprint model, Shape shape) {
        int[] categoryIds = shape.categoryIds();
        ArrayNode cats = Manifest.JSON.createArrayNode();
        for (int i = 0; i < categoryIds.length; i++)
            cats.addObject().put("index", i).put("id", categoryIds[i]);
        return new ModelFacts(
                id(),
                dataset(),
                model.spec().numClasses(),
                model.spec().outputStride(),
                model.tap("heatmap").vertexName(),
                model.tap("reg").vertexName(),
                cats);
    }

    @Override
    public List<String> heads() {
        return List.of(DetectionPredictor.HEATMAP_VERTEX, DetectionPredictor.REG_VERTEX);
    }

    @Override
    public TaskReport report() {
        return TaskReports.DETECTION;
    }

    @Override
    public Headline headline() {
        return new Headline("AP", report().headline(), "AP50", "AP50", "COCOeval");
    }

    @Override
    public EpochValidator.Score validate(
            JavaSparkContext sc, Distill4jConfig config, Shards shards, ExecutorModel executor, ComputationGraph net) {
        String split = config.evaluate().split();
        int batch = config.cache().batchSize();
        DetectorClasses classes = classes(shards);
        CocoStats stats = scores(
                        shards, split, shards.records(split), executor, batch, predictor(config, classes), classes)
                .stats();
        return new EpochValidator.Score("AP", stats.get("AP"), net);
    }

    private static DetectorClasses classes(Shards shards) {
        return DetectorClasses.fromManifest(
                shards.manifest().categories(), new Path(shards.root(), Manifest.FILE_NAME).toString());
    }

    private static DetectionPredictor predictor(Distill4jConfig config, DetectorClasses classes) {
        return new DetectionPredictor(
                classes.categoryIds(),
                config.evaluate().maxDetections(),
                config.evaluate().scoreThreshold());
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
        DetectorClasses classes = classes(shards);
        DetectionPredictor predictor = predictor(config, classes);
        JavaRDD<ShardRecord> records = shards.records(split);
        Scores scores = scores(shards, split, records, executor, batch, predictor, classes);
        CocoStats stats = scores.stats();
        List<CocoDetection> detections = scores.detections();
        ObjectNode json = stats.toMetricsJson(model.name(), split);
        List<ShardRecord> shown = records.take(config.evaluate().overlays());
        List<List<CocoDetection>> shownDets = predictor.predict(model.forward(), shown, batch);
        List<List<CocoDetection>> teacherDets =
                teacher != null && teacher.detections().size() == shown.size() ? teacher.detections() : null;
        EvaluateJob.writeReport(sc, model, json, (w, local) -> {
            CocoResultsJson.write(detections, local.resolve(EvaluateJob.DETECTIONS_FILE));
            java.nio.file.Files.writeString(local.resolve("summary.txt"), stats.summarize());
            java.nio.file.Files.writeString(local.resolve("per_category.csv"), perCategoryCsv(stats, classes));
            for (int i = 0; i < shown.size(); i++) {
                ShardRecord r = shown.get(i);
                w.addDetectionStrip(
                        r.sampleId(),
                        r.image(),
                        r.height(),
                        r.width(),
                        ShardBoxes.groundTruth(r).stream()
                                .map(g -> ShardBoxes.toShardPixels(g, r))
                                .toList(),
                        teacherDets == null ? null : inShardPixels(teacherDets.get(i), r),
                        inShardPixels(shownDets.get(i), r),
                        classes.names());
            }
        });
        console.printf(
                "[evaluate] %s: AP %.4f  AP50 %.4f  AP75 %.4f  (%s, %d images, %d detections) -> %s%n",
                model.name(),
                stats.get("AP"),
                stats.get("AP50"),
                stats.get("AP75"),
                split,
                scores.images(),
                detections.size(),
                model.reportDir());
        return new EvaluateJob.Evaluated(
                model.name(), id(), null, stats, json, model.reportDir(), shown, List.of(), shownDets);
    }

    /** One image's ground truth and detections, as executors hand them to the driver. */
    private record ImageResult(long imageId, String sampleId, List<CocoGt> groundTruth, List<CocoDetection> detections)
            implements Serializable {}

    /** The twelve COCOeval numbers of a model over the records, its detections and the number of images. */
    private record Scores(CocoStats stats, int images, List<CocoDetection> detections) {}

    private static Scores scores(
            Shards shards,
            String split,
            JavaRDD<ShardRecord> records,
            ExecutorModel executor,
            int batch,
            DetectionPredictor predictor,
            DetectorClasses classes) {
        List<ImageResult> images = new ArrayList<>(records.mapPartitions(it -> {
                    List<ShardRecord> part = new ArrayList<>();
                    it.forEachRemaining(part::add);
                    List<ImageResult> out = new ArrayList<>(part.size());
                    if (part.isEmpty()) return out.iterator();
                    List<List<CocoDetection>> dets = executor.with(forward -> predictor.predict(forward, part, batch));
                    for (int i = 0; i < part.size(); i++) {
                        ShardRecord r = part.get(i);
                        out.add(new ImageResult(
                                r.detection().imageId(), r.sampleId(), ShardBoxes.groundTruth(r), dets.get(i)));
                    }
                    return out.iterator();
                })
                .collect());
        images.sort(Comparator.comparingLong(ImageResult::imageId));
        List<Long> imageIds = new ArrayList<>(images.size());
        List<CocoGt> gts = new ArrayList<>();
        List<CocoDetection> detections = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            ImageResult r = images.get(i);
            if (i > 0 && images.get(i - 1).imageId() == r.imageId()) {
                throw new StageOutputException("shards " + shards.root() + "/" + split + ": samples "
                        + images.get(i - 1).sampleId() + " and " + r.sampleId() + " share COCO image id "
                        + r.imageId());
            }
            imageIds.add(r.imageId());
            gts.addAll(r.groundTruth());
            detections.addAll(r.detections());
        }
        return new Scores(
                CocoEvaluator.evaluate(CocoGroundTruth.of(imageIds, classes.names(), gts), detections),
                images.size(),
                detections);
    }

    private static List<CocoDetection> inShardPixels(List<CocoDetection> dets, ShardRecord r) {
        return dets.stream().map(d -> ShardBoxes.toShardPixels(d, r)).toList();
    }

    /** AP@[.50:.95] per category: id, name, AP (-1 where the split has no ground truth of it, as COCOeval). */
    private static String perCategoryCsv(CocoStats stats, DetectorClasses classes) {
        StringBuilder sb = new StringBuilder("category_id,name,AP\n");
        stats.categoryAp().forEach((id, ap) -> sb.append(id)
                .append(',')
                .append(classes.names().getOrDefault(id, String.valueOf(id)).replace(",", " "))
                .append(',')
                .append(ap)
                .append('\n'));
        return sb.toString();
    }
}
