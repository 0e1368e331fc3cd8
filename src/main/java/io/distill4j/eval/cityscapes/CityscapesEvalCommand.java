package io.distill4j.eval.cityscapes;

import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.eval.MetricsJson;
import io.distill4j.eval.SegmentationMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cityscapes-eval --gt GTFINE_SPLIT_DIR --pred PRED_DIR [--out metrics.json]}: walks
 * {@code *_gtFine_labelIds.png} under the split (cities as sub-directories), finds for each the
 * prediction PNG whose name starts with the image base name {@code {city}_{seq}_{frame}} anywhere
 * under PRED_DIR (official submission format, labelIds), maps both to trainIds and accumulates one
 * confusion matrix over the split.
 */
@Command(
        name = "cityscapes-eval",
        mixinStandardHelpOptions = true,
        description = "Cityscapes per-class IoU and mIoU of labelId prediction PNGs against gtFine")
public final class CityscapesEvalCommand implements Callable<Integer> {
    static final String GT_SUFFIX = "_gtFine_labelIds.png";

    private final PrintStream out;
    private final PrintStream err;

    @Option(
            names = "--gt",
            paramLabel = "GTFINE_SPLIT_DIR",
            description = "e.g. cityscapes/gtFine/val (cities as sub-directories, *_gtFine_labelIds.png)")
    private Path gtDir;

    @Option(
            names = "--pred",
            paramLabel = "PRED_DIR",
            description = "prediction PNGs of labelIds named {city}_{seq}_{frame}*.png (searched recursively)")
    private Path predDir;

    @Option(
            names = "--out",
            paramLabel = "metrics.json",
            description = "write {\"task\":\"segmentation\",\"miou\":..,\"iou\":{..}} (NaN as null)")
    private Path outFile;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "model name recorded in the JSON (default: the prediction directory name)")
    private String model;

    @Option(
            names = "--split",
            paramLabel = "NAME",
            description = "split name recorded in the JSON (default: the gt directory name)")
    private String split;

    @Spec
    private CommandSpec spec;

    public CityscapesEvalCommand() {
        this(System.out, System.err);
    }

    /** For tests and embedding: where the table and the errors go. */
    public CityscapesEvalCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (gtDir == null) throw new ParameterException(spec.commandLine(), "missing --gt");
        if (predDir == null) throw new ParameterException(spec.commandLine(), "missing --pred");
        try {
            Evaluation e = evaluateSplit(gtDir, predDir);
            SegmentationMetrics metrics = e.metrics();
            out.print(metrics.toTable(CityscapesLabels.TRAIN_NAMES));
            if (outFile != null) {
                String modelName = model != null
                        ? model
                        : String.valueOf(predDir.toAbsolutePath().normalize().getFileName());
                String splitName = split != null
                        ? split
                        : String.valueOf(gtDir.toAbsolutePath().normalize().getFileName());
                var json = metrics.toMetricsJson(modelName, splitName, CityscapesLabels.TRAIN_NAMES);
                if (!e.unscored().isEmpty()) {
                    var list = json.putArray(UNSCORED_FIELD);
                    e.unscored().forEach(p -> list.add(p.toString()));
                }
                MetricsJson.write(json, outFile);
                out.println("wrote " + outFile);
            }
            if (!e.unscored().isEmpty())
                err.println(unscoredWarning(e.unscored(), outFile != null ? outFile.toString() : null));
            return 0;
        } catch (IOException e) {
            err.println("cityscapes-eval: " + e.getMessage());
            return 1;
        }
    }

    /** Where {@code --out} lists the predictions that had no ground truth. */
    static final String UNSCORED_FIELD = "unscored_predictions";

    /**
     * The split's confusion matrix, and the predictions that matched no ground-truth file: not an
     * error (a prediction directory may cover more), but a deleted label must not go unnoticed.
     */
    public record Evaluation(SegmentationMetrics metrics, List<Path> unscored) {}

    static String unscoredWarning(List<Path> unscored, String outFile) {
        String first =
                unscored.stream().limit(3).map(p -> p.getFileName().toString()).collect(Collectors.joining(", "));
        return "cityscapes-eval: warning: " + unscored.size()
                + (unscored.size() == 1 ? " prediction has" : " predictions have")
                + " no ground truth and " + (unscored.size() == 1 ? "was" : "were")
                + " not scored (a deleted label, or "
                + "another split?): " + first + (unscored.size() > 3 ? ", ..." : "")
                + (outFile != null ? "; all are listed under \"" + UNSCORED_FIELD + "\" in " + outFile : "");
    }

    /** The confusion matrix of the whole split; errors name the file at fault. */
    public static SegmentationMetrics evaluate(Path gtDir, Path predDir) throws IOException {
        return evaluateSplit(gtDir, predDir).metrics();
    }

    /** As {@link #evaluate}, also returning the predictions no ground truth matched. */
    public static Evaluation evaluateSplit(Path gtDir, Path predDir) throws IOException {
        if (!Files.isDirectory(gtDir)) throw new IOException("--gt " + gtDir + ": no such directory");
        if (!Files.isDirectory(predDir)) throw new IOException("--pred " + predDir + ": no such directory");
        List<Path> gtFiles;
        try (Stream<Path> s = Files.walk(gtDir)) {
            gtFiles = s.filter(p -> p.getFileName().toString().endsWith(GT_SUFFIX))
                    .sorted()
                    .collect(Collectors.toList());
        }
        if (gtFiles.isEmpty()) throw new IOException(gtDir + ": no *" + GT_SUFFIX + " files");
        Map<String, Path> predictions = indexPredictions(predDir);
        java.util.Set<Path> matched = new java.util.HashSet<>();
        TrainIdSuspicion suspicion = new TrainIdSuspicion();
        SegmentationMetrics metrics = new SegmentationMetrics(CityscapesLabels.NUM_CLASSES);
        for (Path gtFile : gtFiles) {
            String name = gtFile.getFileName().toString();
            String base = name.substring(0, name.length() - GT_SUFFIX.length());
            Path predFile = predictions.get(base);
            if (predFile == null) {
                throw new IOException(
                        "no prediction for " + gtFile + " (expected " + base + "*.png under " + predDir + ")");
            }
            LabelPng.Labels gt = LabelPng.read(gtFile);
            LabelPng.Labels pred = LabelPng.read(predFile);
            if (gt.width() != pred.width() || gt.height() != pred.height()) {
                throw new IOException(predFile + ": size " + pred.width() + "x" + pred.height()
                        + " differs from ground truth " + gtFile + " " + gt.width() + "x" + gt.height());
            }
            matched.add(predFile);
            suspicion.add(pred.values());
            CityscapesLabels.toTrainIds(gt.values());
            CityscapesLabels.toTrainIds(pred.values());
            // a predicted labelId that is not evaluated maps to 255: SegmentationMetrics counts it as a miss
            metrics.add(gt.values(), pred.values());
        }
        java.util.Optional<String> trainIds = suspicion.verdict();
        if (trainIds.isPresent()) throw new IOException("--pred " + predDir + ": " + trainIds.get());
        List<Path> unscored = predictions.values().stream()
                .filter(p -> !matched.contains(p))
                .sorted()
                .toList();
        return new Evaluation(metrics, unscored);
    }

    /** Image base name {@code {city}_{seq}_{frame}} to prediction file; duplicates are an error. */
    private static Map<String, Path> indexPredictions(Path predDir) throws IOException {
        Map<String, Path> index = new HashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(predDir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".png"))
                    .sorted()
                    .collect(Collectors.toList());
        }
        for (Path f : files) {
            String[] parts = f.getFileName().toString().replace(".png", "").split("_");
            if (parts.length < 3) continue;
            String base = parts[0] + "_" + parts[1] + "_" + parts[2];
            Path previous = index.putIfAbsent(base, f);
            if (previous != null) {
                throw new IOException("two predictions for " + base + ": " + previous + " and " + f);
            }
        }
        return index;
    }
}
