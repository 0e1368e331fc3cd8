package io.distill4j.bench;

import io.distill4j.config.DistillTerm;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.util.NativeSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * Where the student's DL4J train step spends its time: trains the student (batch 8, L2 on the
 * logits, as {@code model.ModelBench}) under a JFR recording that samples Java and native
 * (JNI) stacks every 10 ms, then files each sample of the training thread under the first frame
 * that names a known piece of work (oneDNN conv forward/backward, batch norm, pooling, the loss,
 * the updater, ...) and prints the shares, plus GC pauses and allocation. The recording is kept
 * for {@code jfr print} / {@code jfr summary}.
 * <pre>
 * java -cp target/classes:$(cat target/classpath.txt) io.distill4j.bench.StepProfile [height width [steps [out.jfr [distill]]]]
 * </pre>
 */
public final class StepProfile {
    private StepProfile() {}

    /** First matching frame wins; matched against "class.method" from the top of the stack down. */
    static final Map<String, String> CATEGORIES = categories();

    private static Map<String, String> categories() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("MKLDNNConvHelper.preOutput", "conv forward (oneDNN)");
        c.put("MKLDNNConvHelper.backpropGradient", "conv backward (oneDNN)");
        c.put("MKLDNNBatchNormHelper.preOutput", "batch norm forward (oneDNN)");
        c.put("MKLDNNBatchNormHelper.backpropGradient", "batch norm backward (oneDNN)");
        c.put("layers.normalization.BatchNormalization.", "batch norm (DL4J built-in)");
        c.put("MKLDNNSubsamplingHelper.", "pooling (oneDNN)");
        c.put("Convolution.im2col", "im2col (built-in conv)");
        c.put("Convolution.col2im", "im2col (built-in conv)");
        c.put("layers.convolution.ConvolutionLayer.", "conv (DL4J built-in, gemm)");
        c.put("lossfunctions.", "loss");
        c.put("nn.updater.", "parameter update (Adam)");
        c.put("learning.", "parameter update (Adam)");
        c.put("activations.", "activations (ReLU layers)");
        c.put("graph.vertex.impl.", "graph vertices (add, merge, ...)");
        c.put("workspace.", "workspaces / allocation");
        c.put("Nd4j.create", "workspaces / allocation");
        c.put("Nd4j.zeros", "workspaces / allocation");
        c.put("DataBuffer", "workspaces / allocation");
        c.put("ComputationGraph.", "graph bookkeeping (DL4J)");
        return c;
    }

    public static void main(String[] args) throws Exception {
        int height = args.length > 1 ? Integer.parseInt(args[0]) : 128;
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path out = args.length > 3 ? Path.of(args[3]) : Files.createTempFile("student-step", ".jfr");
        // "distill": the distill job's objective (task CE + pixel-kd, cwd on the logits, at on the
        // neck, random teacher maps) instead of L2 on the logits.
        boolean distill = args.length > 4 && args[4].equals("distill");
        System.out.println(NativeSetup.init());
        ModelBlueprint blueprint = ModelBlueprint.of(ModelSpec.segmentationStudent(19, height, width));
        ComputationGraph net;
        MultiDataSet data;
        if (distill) {
            SegmentationObjective objective = SegmentationObjective.of(
                    blueprint,
                    ModelBlueprint.of(ModelSpec.segmentationTeacher(19, height, width))
                            .taps(),
                    PeerBench.termSets().get("all four").stream()
                            .filter(t -> t.kind() != DistillTerm.Kind.PAIRWISE)
                            .toList());
            net = new ComputationGraph(objective.configuration());
            net.init();
            objective.initialize(net);
            data = new MultiDataSet(
                    new org.nd4j.linalg.api.ndarray.INDArray[] {Nd4j.randn(8, 3, height, width)},
                    PeerBench.labels(objective));
        } else {
            net = new ComputationGraph(blueprint.withLossOutputs(Map.of("logits", new LossL2())));
            net.init();
            data = new MultiDataSet(
                    Nd4j.randn(8, 3, height, width),
                    Nd4j.randn(8, blueprint.tap("logits").flatSize()));
        }
        for (int i = 0; i < 3; i++) net.fit(data);

        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
        recording.start();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) net.fit(data);
        double seconds = (System.nanoTime() - t0) / 1e9;
        recording.stop();
        recording.dump(out);
        recording.close();
        System.out.printf(
                (distill ? "distill objective (CE + pixel-kd, cwd, at) " : "")
                        + "student %dx%d batch 8: %d steps in %.2f s (%.1f ms/step); recording %s%n",
                height,
                width,
                steps,
                seconds,
                1000 * seconds / steps,
                out);
        print(summarise(RecordingFile.readAllEvents(out), Thread.currentThread().getName()), seconds);
    }

    /** Sample counts per category for one thread, plus GC pause and allocation totals. */
    record Summary(
            Map<String, Integer> samples,
            int total,
            Map<String, Integer> otherTopFrames,
            double gcPauseSeconds,
            long allocatedBytes) {}

    static Summary summarise(List<RecordedEvent> events, String thread) {
        Map<String, Integer> samples = new LinkedHashMap<>();
        for (String category : CATEGORIES.values()) samples.putIfAbsent(category, 0);
        samples.put("other", 0);
        Map<String, Integer> other = new TreeMap<>();
        int total = 0;
        double gc = 0;
        long allocated = 0;
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.GarbageCollection")) {
                gc += e.getDuration("sumOfPauses").toNanos() / 1e9;
                continue;
            }
            if (type.equals("jdk.ObjectAllocationSample")) {
                allocated += e.getLong("weight");
                continue;
            }
            if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) continue;
            if (e.getThread("sampledThread") == null
                    || !thread.equals(e.getThread("sampledThread").getJavaName())) continue;
            if (e.getStackTrace() == null) continue;
            total++;
            String category = categorise(e.getStackTrace().getFrames());
            samples.merge(category, 1, Integer::sum);
            if (category.equals("other")) {
                RecordedFrame top = e.getStackTrace().getFrames().get(0);
                other.merge(
                        top.getMethod().getType().getName() + "."
                                + top.getMethod().getName(),
                        1,
                        Integer::sum);
            }
        }
        return new Summary(samples, total, other, gc, allocated);
    }

    static String categorise(List<RecordedFrame> frames) {
        // Everything under a loss (its ND4J ops and allocations included) is the loss's cost.
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (type.startsWith("io.distill4j.distill.") || type.startsWith("org.nd4j.linalg.lossfunctions."))
                return "loss";
        }
        for (RecordedFrame f : frames) {
            String name =
                    f.getMethod().getType().getName() + "." + f.getMethod().getName();
            for (Map.Entry<String, String> c : CATEGORIES.entrySet()) {
                if (name.contains(c.getKey())) return c.getValue();
            }
        }
        return "other";
    }

    private static void print(Summary s, double seconds) {
        System.out.printf("%-36s %8s %7s%n", "where (training thread)", "samples", "share");
        s.samples().entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> System.out.printf(
                        "%-36s %8d %6.1f%%%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / s.total()));
        System.out.printf(
                "GC pauses %.3f s of %.2f s (%.1f%%); sampled allocation %.1f MB%n",
                s.gcPauseSeconds(), seconds, 100 * s.gcPauseSeconds() / seconds, s.allocatedBytes() / 1e6);
        System.out.println("top frames filed under 'other':");
        s.otherTopFrames().entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue())
                .limit(8)
                .forEach(e -> System.out.printf("  %5d %s%n", e.getValue(), e.getKey()));
    }
}
