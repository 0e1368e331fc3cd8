package io.distill4j.bench;

import io.distill4j.model.*;
import io.distill4j.util.NativeSetup;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * Times one training step and one forward pass of the default segmentation student and teacher,
 * batch 8, at 64x128 and 128x256, with DL4J's oneDNN layer helpers off and on, and prints the
 * milliseconds (median of the timed repetitions) and the on/off ratios measured in this one run.
 * The loss is L2 on the logits against random targets: the same in {@code bench/torch_peer.py},
 * which runs the same architectures in PyTorch for comparison.
 *
 * <pre>
 * mvn -B -o -q compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=compile
 * java -cp target/classes:$(cat target/classpath.txt) io.distill4j.bench.ModelBench [threads] [repetitions] [student]
 * python3 bench/torch_peer.py [threads] [repetitions]    # a python3 that can import torch
 * </pre>
 */
public final class ModelBench {

    private ModelBench() {}

    public static void main(String[] args) {
        int threads = args.length > 0
                ? Integer.parseInt(args[0])
                : Runtime.getRuntime().availableProcessors();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        // "student": only the student, only with helpers (the default path), for quick A/B runs.
        boolean studentOnly = args.length > 2 && args[2].equals("student");
        System.out.println(NativeSetup.init(threads, true));
        int batch = 8;
        int[][] sizes = {{64, 128}, {128, 256}};
        System.out.printf(
                "%-12s %-9s %12s %12s %12s %12s %8s %8s%n",
                "model", "input", "train-off", "train-on", "fwd-off", "fwd-on", "train x", "fwd x");
        for (int[] size : sizes) {
            ModelSpec[] specs = studentOnly
                    ? new ModelSpec[] {ModelSpec.segmentationStudent(19, size[0], size[1])}
                    : new ModelSpec[] {
                        ModelSpec.segmentationStudent(19, size[0], size[1]),
                        ModelSpec.segmentationTeacher(19, size[0], size[1])
                    };
            for (ModelSpec spec : specs) {
                ModelBlueprint blueprint = ModelBlueprint.of(spec);
                ComputationGraphConfiguration conf = blueprint.withLossOutputs(Map.of("logits", new LossL2()));
                TapInfo logits = blueprint.tap("logits");
                INDArray image = Nd4j.randn(batch, 3, size[0], size[1]);
                MultiDataSet data = new MultiDataSet(image, Nd4j.randn(batch, logits.flatSize()));
                double[] off = studentOnly ? new double[] {Double.NaN, Double.NaN} : time(conf, false, data, reps);
                double[] on = time(conf, true, data, reps);
                System.out.printf(
                        "%-12s %-9s %10.1fms %10.1fms %10.1fms %10.1fms %7.2fx %7.2fx%n",
                        spec.name(),
                        size[0] + "x" + size[1],
                        off[0],
                        on[0],
                        off[1],
                        on[1],
                        off[0] / on[0],
                        off[1] / on[1]);
            }
        }
    }

    /**
     * {median train-step ms, median forward ms} after two warm-up steps, with oneDNN layer helpers
     * on or off (left on afterwards). Also used by {@code bench.PeerBench}.
     */
    public static double[] time(ComputationGraphConfiguration conf, boolean helpers, MultiDataSet data, int reps) {
        NativeSetup.setLayerHelpersEnabled(helpers);
        ComputationGraph net = new ComputationGraph(conf.clone());
        net.init();
        INDArray image = data.getFeatures(0);
        for (int i = 0; i < 2; i++) {
            net.fit(data);
            net.output(image);
        }
        double[] train = new double[reps];
        double[] forward = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            net.fit(data);
            long t1 = System.nanoTime();
            net.output(image);
            long t2 = System.nanoTime();
            train[i] = (t1 - t0) / 1e6;
            forward[i] = (t2 - t1) / 1e6;
        }
        NativeSetup.setLayerHelpersEnabled(true);
        return new double[] {median(train), median(forward)};
    }

    /**
     * Median ms of one {@code net.fit(data)} after two warm-up fits: the step time of any training
     * graph (the distillation graphs of {@code bench.PeerBench}).
     */
    public static double medianFitMs(ComputationGraph net, MultiDataSet data, int reps) {
        for (int i = 0; i < 2; i++) net.fit(data);
        double[] fit = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            net.fit(data);
            fit[i] = (System.nanoTime() - t0) / 1e6;
        }
        return median(fit);
    }

    /** The upper median (the middle of an odd count), as {@code bench/torch_peer.py} takes it. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
