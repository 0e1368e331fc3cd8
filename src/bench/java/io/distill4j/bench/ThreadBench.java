package io.distill4j.bench;

import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.TapInfo;
import io.distill4j.util.NativeSetup;
import io.distill4j.util.NativeStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * ND4J/oneDNN threads per task against concurrent tasks: the student's train step (batch 8,
 * L2 on the logits, as in {@code model.ModelBench}) with 4, 2 and 1 threads, run by 1 and by 2
 * concurrent Java threads that each train their own network, as Spark tasks in one executor do.
 * Each thread sets its count with {@link NativeSetup#setThreads} (what {@code NativeThreadsPlugin}
 * does per task) and reads back what ND4J reports. Prints the median step of each task and the
 * combined samples/s (median over rounds that interleave all setups), in one run.
 * <pre>
 * java -cp target/classes:$(cat target/classpath.txt) io.distill4j.bench.ThreadBench [height width [steps [rounds]]]
 * </pre>
 */
public final class ThreadBench {
    private static final int BATCH = 8;

    private ThreadBench() {}

    public static void main(String[] args) throws Exception {
        int height = args.length > 1 ? Integer.parseInt(args[0]) : 128;
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        System.out.println(NativeSetup.init());
        ModelBlueprint blueprint = ModelBlueprint.of(ModelSpec.segmentationStudent(19, height, width));
        ComputationGraphConfiguration conf = blueprint.withLossOutputs(Map.of("logits", new LossL2()));
        TapInfo logits = blueprint.tap("logits");
        System.out.printf(
                "student %dx%d batch %d, %d processors%n",
                height, width, BATCH, Runtime.getRuntime().availableProcessors());
        System.out.printf(
                "%-7s %-6s %-30s %14s %12s%n",
                "threads", "tasks", "ND4J reports (in the task)", "median step", "samples/s (median, range)");
        int[][] setups = {{4, 1}, {2, 1}, {1, 1}, {4, 2}, {2, 2}, {1, 2}};
        Result[][] results = new Result[setups.length][rounds];
        // Rounds go through every setup in turn, so load from other processes hits all setups alike.
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < setups.length; i++) {
                results[i][round] = run(conf, logits, height, width, setups[i][0], setups[i][1], reps);
            }
        }
        for (int i = 0; i < setups.length; i++) {
            Result first = results[i][0];
            double step = median(
                    Arrays.stream(results[i]).mapToDouble(Result::medianStepMs).toArray());
            double[] rates = Arrays.stream(results[i])
                    .mapToDouble(Result::samplesPerSecond)
                    .sorted()
                    .toArray();
            System.out.printf(
                    "%-7d %-6d %-30s %12.1fms %12.1f  (%.1f-%.1f over %d rounds)%n",
                    setups[i][0],
                    setups[i][1],
                    "omp=" + first.status.threads() + " op=" + first.status.opThreads() + " blas="
                            + first.status.blasThreads(),
                    step,
                    median(rates),
                    rates[0],
                    rates[rates.length - 1],
                    rounds);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private record Result(NativeStatus status, double medianStepMs, double samplesPerSecond) {}

    private static Result run(
            ComputationGraphConfiguration conf, TapInfo logits, int height, int width, int threads, int tasks, int reps)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(tasks + 1);
        CyclicBarrier end = new CyclicBarrier(tasks + 1);
        double[][] steps = new double[tasks][];
        NativeStatus[] seen = new NativeStatus[tasks];
        Throwable[] failure = new Throwable[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int id = t;
            Thread worker = new Thread(
                    () -> {
                        try {
                            NativeSetup.setThreads(threads);
                            seen[id] = NativeSetup.status();
                            ComputationGraph net = new ComputationGraph(conf.clone());
                            net.init();
                            MultiDataSet data = new MultiDataSet(
                                    Nd4j.randn(BATCH, 3, height, width), Nd4j.randn(BATCH, logits.flatSize()));
                            for (int i = 0; i < 2; i++) net.fit(data);
                            start.await();
                            steps[id] = new double[reps];
                            for (int i = 0; i < reps; i++) {
                                long t0 = System.nanoTime();
                                net.fit(data);
                                steps[id][i] = (System.nanoTime() - t0) / 1e6;
                            }
                            end.await();
                        } catch (Throwable e) {
                            failure[0] = e;
                            start.reset();
                            end.reset();
                        }
                    },
                    "bench-task-" + t);
            workers.add(worker);
            worker.start();
        }
        start.await();
        long t0 = System.nanoTime();
        end.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Thread w : workers) w.join();
        if (failure[0] != null) throw new IllegalStateException("bench task failed", failure[0]);
        double[] all =
                Arrays.stream(steps).flatMapToDouble(Arrays::stream).sorted().toArray();
        return new Result(seen[0], all[all.length / 2], (double) tasks * reps * BATCH / seconds);
    }
}
