package io.distill4j.eval.coco;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.eval.MetricsJson;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The twelve COCOeval bbox numbers in pycocotools' order (-1 where a setting has no ground truth,
 * exactly as pycocotools reports it), plus AP@[.50:.95] per category for report tables.
 */
public final class CocoStats {
    /** Names of the twelve numbers in COCOeval order; also the metrics.json keys. */
    public static final List<String> NAMES = List.of(
            "AP",
            "AP50",
            "AP75",
            "AP_small",
            "AP_medium",
            "AP_large",
            "AR1",
            "AR10",
            "AR100",
            "AR_small",
            "AR_medium",
            "AR_large");

    private final double[] stats;
    private final Map<Integer, Double> categoryAp;

    public CocoStats(double[] stats, Map<Integer, Double> categoryAp) {
        if (stats.length != 12) throw new IllegalArgumentException("COCO stats has 12 numbers, got " + stats.length);
        this.stats = stats.clone();
        this.categoryAp = Collections.unmodifiableMap(new LinkedHashMap<>(categoryAp));
    }

    /** A copy of the twelve numbers. */
    public double[] stats() {
        return stats.clone();
    }

    /** One number by index 0..11 (see {@link #NAMES}). */
    public double get(int index) {
        return stats[index];
    }

    /** One number by name, for example "AP50". */
    public double get(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("unknown COCO stat " + name + "; known: " + NAMES);
        return stats[i];
    }

    /** AP@[.50:.95] per category id, ascending ids; -1 for a category without ground truth. */
    public Map<Integer, Double> categoryAp() {
        return categoryAp;
    }

    /** The twelve lines pycocotools' {@code COCOeval.summarize()} prints, character for character. */
    public String summarize() {
        StringBuilder sb = new StringBuilder();
        line(sb, true, null, "all", 100, stats[0]);
        line(sb, true, "0.50", "all", 100, stats[1]);
        line(sb, true, "0.75", "all", 100, stats[2]);
        line(sb, true, null, "small", 100, stats[3]);
        line(sb, true, null, "medium", 100, stats[4]);
        line(sb, true, null, "large", 100, stats[5]);
        line(sb, false, null, "all", 1, stats[6]);
        line(sb, false, null, "all", 10, stats[7]);
        line(sb, false, null, "all", 100, stats[8]);
        line(sb, false, null, "small", 100, stats[9]);
        line(sb, false, null, "medium", 100, stats[10]);
        line(sb, false, null, "large", 100, stats[11]);
        return sb.toString();
    }

    // ' {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}'
    private static void line(StringBuilder sb, boolean ap, String iou, String area, int maxDets, double value) {
        sb.append(String.format(
                " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s%n",
                ap ? "Average Precision" : "Average Recall",
                ap ? "(AP)" : "(AR)",
                iou == null ? "0.50:0.95" : iou,
                area,
                maxDets,
                threeDecimals(value)));
    }

    /**
     * Python's {@code '{:0.3f}'}: rounds the exact binary value half-to-even. Java's %.3f rounds
     * the shortest decimal form half-up, which differs on values like 0.1235 (really 0.12349999...).
     */
    static String threeDecimals(double v) {
        if (!Double.isFinite(v)) return Double.isNaN(v) ? "nan" : (v > 0 ? "inf" : "-inf");
        return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    }

    /**
     * The metrics.json contract: {@code {"task":"detection","model":..,"split":..,"stats":[12],
     * "AP":x,"AP50":x,...}} at full precision; -1 stays -1.
     */
    public ObjectNode toMetricsJson(String model, String split) {
        ObjectNode root = MetricsJson.MAPPER.createObjectNode();
        root.put("task", "detection");
        root.put("model", model);
        root.put("split", split);
        ArrayNode arr = root.putArray("stats");
        for (double v : stats) {
            if (Double.isFinite(v)) arr.add(v);
            else arr.addNull();
        }
        for (int i = 0; i < NAMES.size(); i++) MetricsJson.putNumber(root, NAMES.get(i), stats[i]);
        return root;
    }
}
