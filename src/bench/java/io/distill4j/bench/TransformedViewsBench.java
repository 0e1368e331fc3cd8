package io.distill4j.bench;

import io.distill4j.augment.Resample;
import io.distill4j.augment.View;
import io.distill4j.augment.ViewSampler;
import io.distill4j.augment.ViewedSample;
import io.distill4j.config.AugmentSettings;
import io.distill4j.data.ShardRecord;
import io.distill4j.storage.ShardFiles;
import io.distill4j.train.Examples;
import io.distill4j.util.NativeSetup;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * How far {@code distill.teacher-views = transform} is from the teacher run on the true view: for
 * every sample of a shard split and V views per sample drawn with the given recipe, the teacher's
 * logits on the view (what exact views and the online teacher give) against its logits on the whole
 * image resampled with the view. Per logit cell: KL(p_view || p_transformed) of the softmax at
 * temperature tau, and whether the two argmaxes agree; reported per scale band, for flips alone,
 * and for the cells whose centre lies in padding.
 * <pre>
 * java -cp $CP io.distill4j.bench.TransformedViewsBench TEACHER_ZIP SHARDS_DIR [split] [views] [tau] [scaleMin scaleMax hflip]
 * </pre>
 * Defaults: train, 8 views, tau 4, the recipe of conf/augment-sample.conf (0.75 1.5 0.5).
 */
public final class TransformedViewsBench {
    private TransformedViewsBench() {}

    /** Sums of one band. */
    private static final class Band {
        double kl;
        long agree;
        long cells;
        int views;

        void add(double k, boolean same) {
            kl += k;
            if (same) agree++;
            cells++;
        }
    }

    public static void main(String[] args) throws Exception {
        String split = args.length > 2 ? args[2] : "train";
        int views = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        double tau = args.length > 4 ? Double.parseDouble(args[4]) : 4;
        AugmentSettings recipe = args.length > 7
                ? new AugmentSettings(
                        Double.parseDouble(args[5]), Double.parseDouble(args[6]), 0, 0, Double.parseDouble(args[7]))
                : new AugmentSettings(0.75, 1.5, 0, 0, 0.5);
        System.out.println(NativeSetup.init(2, true));
        ComputationGraph teacher = ModelSerializer.restoreComputationGraph(new File(args[0]), false);
        Configuration conf = new Configuration();
        Path root = new Path(new File(args[1]).toURI());
        List<ShardRecord> samples = new ArrayList<>();
        for (Path f : ShardFiles.list(FileSystem.getLocal(conf), root, split)) samples.addAll(ShardFiles.read(conf, f));
        TreeMap<String, Band> bands = new TreeMap<>();
        Band all = new Band();
        for (ShardRecord r : samples) {
            float[] full = logits(teacher, r);
            int c = 19, mh = 0, mw = 0;
            int plane = full.length / c;
            // The logits grid: the stride is the same on both axes.
            for (int s = 1; s <= 32; s *= 2)
                if ((r.height() / s) * (r.width() / s) == plane) {
                    mh = r.height() / s;
                    mw = r.width() / s;
                }
            List<View> drawn = new ArrayList<>();
            for (int j = 0; j < views; j++)
                drawn.add(ViewSampler.draw(recipe, r.height(), r.width(), 11, j, r.sampleId()));
            drawn.add(new View(0, 0, r.height(), r.width(), r.height(), r.width(), true));
            for (View v : drawn) {
                float[] exact = logits(teacher, ViewedSample.of(r, v));
                float[] moved = Resample.map(full, c, mh, mw, r.height(), r.width(), v);
                Band band = bands.computeIfAbsent(band(v, r), k -> new Band());
                Band pad = bands.computeIfAbsent("cells in padding (scale < 1)", k -> new Band());
                boolean padded = false;
                band.views++;
                if (!isFlipOnly(v, r)) all.views++;
                for (int y = 0; y < mh; y++) {
                    for (int x = 0; x < mw; x++) {
                        int cell = y * mw + x;
                        double k = kl(exact, moved, c, plane, cell, tau);
                        boolean same = argmax(exact, c, plane, cell) == argmax(moved, c, plane, cell);
                        band.add(k, same);
                        if (!isFlipOnly(v, r)) all.add(k, same);
                        if (inPadding(v, r, y, x, mh, mw)) {
                            pad.add(k, same);
                            padded = true;
                        }
                    }
                }
                if (padded) pad.views++;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%d %s samples %dx%d, %d views each (scale %s-%s, hflip %s) + the flip alone, KL at tau %.1f%n",
                samples.size(),
                split,
                samples.get(0).height(),
                samples.get(0).width(),
                views,
                recipe.scaleMin(),
                recipe.scaleMax(),
                recipe.hflip(),
                tau);
        System.out.printf("%-34s %7s %10s %12s %10s%n", "views", "views", "cells", "mean KL", "argmax %");
        for (var e : bands.entrySet()) print(e.getKey(), e.getValue());
        print("all drawn views", all);
    }

    private static void print(String name, Band b) {
        System.out.printf(
                Locale.ROOT,
                "%-34s %7d %10d %12.5f %10.2f%n",
                name,
                b.views,
                b.cells,
                b.cells == 0 ? 0 : b.kl / b.cells,
                b.cells == 0 ? 0 : 100.0 * b.agree / b.cells);
    }

    private static boolean isFlipOnly(View v, ShardRecord r) {
        return v.top() == 0 && v.left() == 0 && v.height() == r.height() && v.width() == r.width() && v.flip();
    }

    private static String band(View v, ShardRecord r) {
        // The map's flip is exact; what differs is the teacher's own flip (non-)equivariance.
        if (isFlipOnly(v, r)) return "flip alone";
        double s = v.scale();
        return String.format(Locale.ROOT, "scale %.2f-%.2f", Math.floor(s * 4) / 4, Math.floor(s * 4) / 4 + 0.25);
    }

    private static boolean inPadding(View v, ShardRecord r, int y, int x, int mh, int mw) {
        double sy = v.top() + (y + 0.5) * v.height() / mh;
        int vx = v.flip() ? mw - 1 - x : x;
        double sx = v.left() + (vx + 0.5) * v.width() / mw;
        return sy < 0 || sy >= r.height() || sx < 0 || sx >= r.width();
    }

    private static float[] logits(ComputationGraph teacher, ShardRecord r) {
        return teacher.feedForward(new org.nd4j.linalg.api.ndarray.INDArray[] {Examples.image(r)}, false, false)
                .get("logits")
                .dup('c')
                .data()
                .asFloat();
    }

    private static double kl(float[] p, float[] q, int c, int plane, int cell, double tau) {
        double[] lp = logSoftmax(p, c, plane, cell, tau), lq = logSoftmax(q, c, plane, cell, tau);
        double k = 0;
        for (int i = 0; i < c; i++) k += Math.exp(lp[i]) * (lp[i] - lq[i]);
        return k;
    }

    private static double[] logSoftmax(float[] z, int c, int plane, int cell, double tau) {
        double max = Double.NEGATIVE_INFINITY;
        double[] out = new double[c];
        for (int i = 0; i < c; i++) max = Math.max(max, z[i * plane + cell] / tau);
        double sum = 0;
        for (int i = 0; i < c; i++) sum += Math.exp(z[i * plane + cell] / tau - max);
        double log = Math.log(sum);
        for (int i = 0; i < c; i++) out[i] = z[i * plane + cell] / tau - max - log;
        return out;
    }

    private static int argmax(float[] z, int c, int plane, int cell) {
        int best = 0;
        for (int i = 1; i < c; i++) if (z[i * plane + cell] > z[best * plane + cell]) best = i;
        return best;
    }
}
