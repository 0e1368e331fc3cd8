package io.distill4j.bench;

import io.distill4j.augment.Resample;
import io.distill4j.augment.View;
import io.distill4j.augment.ViewSampler;
import io.distill4j.augment.ViewedSample;
import io.distill4j.config.AugmentSettings;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.TapInfo;
import io.distill4j.train.Examples;
import io.distill4j.train.Networks;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.util.NativeSetup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * What training-time augmentation costs on the input side, per core, against the student's train
 * step: a synthetic shard sample (random pixels and labels, the teacher's 19-class logits at
 * stride 8 of the shard) seen through views of the Cityscapes recipe (scale 0.5-2.0, a crop of
 * half the shard's size, flip 0.5), one thread, in images/s:
 * <ol>
 *   <li>the example assembly alone ({@link Examples#build} on a crop-sized sample, no view);</li>
 *   <li>the view applied to image and labels ({@link ViewedSample#of}), then the assembly;</li>
 *   <li>the same plus the teacher logits resampled with the view ({@code teacher-views = transform});</li>
 *   <li>the student's train step (student + pixel KD on the logits, batch 8) at the crop size, on
 *       {@code threads} ND4J threads, in images/s and images/s per thread.</li>
 * </ol>
 * <pre>
 * java -cp $CP io.distill4j.bench.AugmentBench [shardHeight shardWidth] [samples] [threads] [steps]
 * </pre>
 * Defaults: 1024 2048 (512x1024 crops), 24 samples, 2 threads, 3 steps (0 steps skips the student).
 */
public final class AugmentBench {
    private AugmentBench() {}

    public static void main(String[] args) throws Exception {
        int sh = args.length > 1 ? Integer.parseInt(args[0]) : 1024;
        int sw = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        int ch = sh / 2, cw = sw / 2;
        System.out.println(NativeSetup.init(threads, true));
        AugmentSettings recipe = new AugmentSettings(0.5, 2.0, ch, cw, 0.5);
        Distill4jConfig config = ConfigLoader.load(
                null,
                List.of(
                        "model.student.output-stride=8",
                        "distill.terms=[{kind=pixel-kd, student-tap=logits, teacher-output=logits, weight=1.0, tau=4.0}]"));
        ModelBlueprint student = Networks.student(config, ch, cw);
        TapInfo cropLogits = new TapInfo("logits", "logits", 19, ch / 8, cw / 8);
        SegmentationObjective objective = SegmentationObjective.of(
                student, Map.of("logits", cropLogits), config.distill().terms());
        Random rnd = new Random(1);
        ShardRecord full = sample(rnd, sh, sw);
        ShardRecord crop = sample(rnd, ch, cw);
        float[] fullLogits = new float[19 * (sh / 8) * (sw / 8)];
        for (int i = 0; i < fullLogits.length; i++) fullLogits[i] = (float) rnd.nextGaussian();
        float[] cropLogitsValues = Arrays.copyOf(fullLogits, cropLogits.flatSize());
        System.out.printf(
                "shard %dx%d, crop %dx%d, teacher logits 19x%dx%d at stride 8, %d samples, one thread%n",
                sh, sw, ch, cw, sh / 8, sw / 8, samples);

        double assemble = rate(samples, i -> Examples.build(crop, objective, Map.of("logits", cropLogitsValues)));
        double viewed = rate(samples, i -> {
            View v = ViewSampler.draw(recipe, sh, sw, 1, i, "s" + i);
            return Examples.build(ViewedSample.of(full, v), objective, Map.of("logits", cropLogitsValues));
        });
        double transformed = rate(samples, i -> {
            View v = ViewSampler.draw(recipe, sh, sw, 1, i, "s" + i);
            float[] t = Resample.map(fullLogits, 19, sh / 8, sw / 8, sh, sw, v);
            return Examples.build(ViewedSample.of(full, v), objective, Map.of("logits", t));
        });
        System.out.printf("%-58s %10s%n", "input side (one core)", "img/s");
        System.out.printf("%-58s %10.1f%n", "assembly only (crop-sized sample, no view)", assemble);
        System.out.printf("%-58s %10.1f%n", "view on image + labels, then assembly", viewed);
        System.out.printf("%-58s %10.1f%n", "view on image + labels + teacher logits, then assembly", transformed);
        if (steps > 0) {
            List<MultiDataSet> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) batch.add(Examples.build(crop, objective, Map.of("logits", cropLogitsValues)));
            MultiDataSet mds = org.nd4j.linalg.dataset.MultiDataSet.merge(batch);
            ComputationGraph net = new ComputationGraph(objective.configuration());
            net.init();
            objective.initialize(net);
            net.fit(mds);
            double[] ms = new double[steps];
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                net.fit(mds);
                ms[s] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            double step = ms[steps / 2];
            System.out.printf(
                    "%-58s %10.1f  (%.0f ms per batch of 8, %d threads; %.2f img/s per thread)%n",
                    "student train step " + student.describe(), 8000 / step, step, threads, 8000 / step / threads);
        }
    }

    private interface Work {
        Object run(int i);
    }

    /** Images per second over {@code n} runs after two warm-up runs. */
    private static double rate(int n, Work work) {
        for (int i = 0; i < 2; i++) work.run(1000 + i);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) work.run(i);
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static ShardRecord sample(Random rnd, int h, int w) {
        byte[] image = new byte[3 * h * w];
        rnd.nextBytes(image);
        byte[] label = new byte[h * w];
        for (int i = 0; i < label.length; i++) label[i] = (byte) rnd.nextInt(19);
        return new ShardRecord(
                "bench/" + h + "x" + w,
                "cityscapes",
                "train",
                h,
                w,
                1024,
                2048,
                image,
                new SegmentationLabels(label),
                "file:/bench.png");
    }
}
