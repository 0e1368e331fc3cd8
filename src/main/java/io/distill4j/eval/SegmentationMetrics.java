package io.distill4j.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.List;

/**
 * A K x K confusion matrix of pixel counts (rows ground truth, columns prediction) with the
 * Cityscapes metric rules (docs/evaluation.md): IoU = TP / (TP + FP + FN) over the whole split's matrix,
 * ground-truth pixels labelled 255 ignored, classes absent from both ground truth and prediction
 * reported as NaN and left out of the mean. Mergeable and serializable so partitions of a split
 * can be counted apart (for example in Spark tasks) and summed.
 */
public final class SegmentationMetrics implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Ground-truth value of pixels that are not evaluated. */
    public static final int IGNORE = 255;

    private final int numClasses;
    private final long[] counts;
    /** Per ground-truth class: pixels predicted as 255 (no evaluated class), always misses. */
    private final long[] unlabeledPredictions;

    /** An empty matrix for {@code numClasses} classes (1..255). */
    public SegmentationMetrics(int numClasses) {
        if (numClasses < 1 || numClasses > 255) {
            throw new IllegalArgumentException("numClasses must be in 1..255, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.counts = new long[numClasses * numClasses];
        this.unlabeledPredictions = new long[numClasses];
    }

    public int numClasses() {
        return numClasses;
    }

    /**
     * Counts one label map pair (same length, unsigned trainIds). Pixels whose ground truth is 255
     * are skipped. A prediction of 255 (a labelId that is not evaluated) is a false negative of the
     * ground-truth class and a false positive of none, as in the official Cityscapes script. Any
     * other value outside 0..K-1 is an error: the caller forgot to map labelIds to trainIds.
     */
    public SegmentationMetrics add(byte[] gtTrainIds, byte[] predTrainIds) {
        if (gtTrainIds.length != predTrainIds.length) {
            throw new IllegalArgumentException(
                    "ground truth has " + gtTrainIds.length + " pixels but prediction has " + predTrainIds.length);
        }
        for (int i = 0; i < gtTrainIds.length; i++) {
            int g = gtTrainIds[i] & 0xFF;
            if (g == IGNORE) continue;
            int p = predTrainIds[i] & 0xFF;
            if (p == IGNORE && g < numClasses) {
                unlabeledPredictions[g]++;
                continue;
            }
            if (g >= numClasses || p >= numClasses) {
                throw new IllegalArgumentException("pixel " + i + ": ground truth " + g + " / prediction " + p
                        + " outside 0.." + (numClasses - 1) + " (and not the ignore value 255)");
            }
            counts[g * numClasses + p]++;
        }
        return this;
    }

    /** Adds another matrix of the same size into this one and returns this. */
    public SegmentationMetrics merge(SegmentationMetrics other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException(
                    "cannot merge a " + other.numClasses + "-class matrix into a " + numClasses + "-class one");
        }
        for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
        for (int i = 0; i < numClasses; i++) unlabeledPredictions[i] += other.unlabeledPredictions[i];
        return this;
    }

    /** Pixels with ground truth {@code gt} predicted as {@code pred}. */
    public long count(int gt, int pred) {
        return counts[gt * numClasses + pred];
    }

    /** Evaluated (non-ignored) pixels. */
    public long totalPixels() {
        long s = 0;
        for (long c : counts) s += c;
        for (long c : unlabeledPredictions) s += c;
        return s;
    }

    /** Per-class IoU; NaN for a class that appears neither in ground truth nor in prediction. */
    public double[] iou() {
        double[] iou = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            long tp = count(c, c);
            long gtTotal = unlabeledPredictions[c];
            long predTotal = 0;
            for (int k = 0; k < numClasses; k++) {
                gtTotal += count(c, k);
                predTotal += count(k, c);
            }
            long union = gtTotal + predTotal - tp; // TP + FN + FP
            iou[c] = union == 0 ? Double.NaN : (double) tp / union;
        }
        return iou;
    }

    /** Mean IoU over the classes whose IoU is defined; NaN when none is. */
    public double meanIou() {
        double sum = 0;
        int n = 0;
        for (double v : iou()) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Correct pixels over evaluated pixels; NaN when no pixel was evaluated. */
    public double pixelAccuracy() {
        long total = totalPixels();
        if (total == 0) return Double.NaN;
        long correct = 0;
        for (int c = 0; c < numClasses; c++) correct += count(c, c);
        return (double) correct / total;
    }

    /**
     * The {@code metrics.json} contract:
     * {@code {"task":"segmentation","model":..,"split":..,"miou":x,"pixel_accuracy":x,"iou":{name:x,..}}}
     * with NaN written as null.
     */
    public ObjectNode toMetricsJson(String model, String split, List<String> classNames) {
        if (classNames.size() != numClasses) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + numClasses + " classes");
        }
        ObjectNode root = MetricsJson.MAPPER.createObjectNode();
        root.put("task", "segmentation");
        root.put("model", model);
        root.put("split", split);
        MetricsJson.putNumber(root, "miou", meanIou());
        MetricsJson.putNumber(root, "pixel_accuracy", pixelAccuracy());
        ObjectNode perClass = root.putObject("iou");
        double[] iou = iou();
        for (int c = 0; c < numClasses; c++) MetricsJson.putNumber(perClass, classNames.get(c), iou[c]);
        return root;
    }

    /** A fixed-width text table (class, IoU in percent) ending with the mIoU line, for consoles. */
    public String toTable(List<String> classNames) {
        double[] iou = iou();
        int width = 5;
        for (String n : classNames) width = Math.max(width, n.length());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-" + width + "s  %7s%n", "class", "IoU %"));
        for (int c = 0; c < numClasses; c++) {
            sb.append(String.format("%-" + width + "s  %7s%n", classNames.get(c), percent(iou[c])));
        }
        sb.append(String.format("%-" + width + "s  %7s%n", "mIoU", percent(meanIou())));
        sb.append(String.format("%-" + width + "s  %7s%n", "pixel acc", percent(pixelAccuracy())));
        return sb.toString();
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "nan" : String.format("%.2f", 100 * v);
    }
}
