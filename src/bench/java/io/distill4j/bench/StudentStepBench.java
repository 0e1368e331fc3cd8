package io.distill4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.config.DistillTerm;
import io.distill4j.model.GraphHeads;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.TapInfo;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.util.NativeSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * The student's train step, DL4J against PyTorch's best CPU build, in one run (issue #19): the
 * default segmentation student, batch 8, L2 on the stride-8 logits, Adam, at each input size. DL4J
 * variants run one after the other, each in its own block of steps: CacheMode.NONE (DL4J's
 * default: every layer's forward is recomputed in backprop), CacheMode.DEVICE (what the model
 * builders set) and DEVICE with the graph in NHWC (channels last, oneDNN's preferred layout on CPU);
 * then the distill job's objective (task cross-entropy) alone and with pixel-kd, cwd and at, whose
 * difference is what the losses cost inside the training graph.
 * Then {@code bench/torch_student_step.py} times the same net in NCHW and channels_last with
 * Debian's torch 1.13 and, given {@code --torch2=DIR}, the torch 2.x wheel installed in DIR (run by
 * the {@code python3} on PATH with {@code PYTHONPATH=DIR}). Ratios are DL4J (DEVICE) over the faster
 * PyTorch layout.
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java -Xmx6g $(cat target/classes/distill4j-jvm.options) -cp $CP \
 *     io.distill4j.bench.StudentStepBench [threads] [repetitions] [HxW,HxW...] [--torch2=DIR]
 * </pre>
 */
public final class StudentStepBench {
    private static final int BATCH = 8;
    private static final int CLASSES = 19;
    private static final Path SCRIPT = Path.of("bench", "torch_student_step.py");

    private StudentStepBench() {}

    public static void main(String[] args) throws Exception {
        List<String> plain = new ArrayList<>();
        String torch2 = null;
        for (String a : args) {
            if (a.startsWith("--torch2=")) torch2 = a.substring("--torch2=".length());
            else plain.add(a);
        }
        int threads = plain.size() > 0 ? Integer.parseInt(plain.get(0)) : 2;
        int reps = plain.size() > 1 ? Integer.parseInt(plain.get(1)) : 5;
        String sizes = plain.size() > 2 ? plain.get(2) : "64x128,512x1024";
        System.out.println("load average at start: " + loadAverage());
        System.out.println(NativeSetup.init(threads, true));
        Map<String, Map<String, Double>> dl4j = new LinkedHashMap<>();
        for (String size : sizes.split(",")) {
            String[] hw = size.split("x");
            dl4j.put(size, dl4jSteps(Integer.parseInt(hw[0]), Integer.parseInt(hw[1]), reps));
            System.out.println("DL4J " + size + ": " + dl4j.get(size) + "  (peak RSS so far " + peakRssMb() + " MB)");
        }
        Map<String, JsonNode> peers = new LinkedHashMap<>();
        peers.put("torch-debian", peer("/usr/bin/python3", null, threads, reps, sizes));
        if (torch2 != null) peers.put("torch2", peer("python3", torch2, threads, reps, sizes));
        System.out.println("load average at end: " + loadAverage());
        System.out.printf("threads %d, batch %d, median of %d steps after 2 warm-ups%n", threads, BATCH, reps);
        for (Map.Entry<String, JsonNode> p : peers.entrySet()) {
            System.out.println(p.getKey() + ": "
                    + (p.getValue() == null
                            ? "not run"
                            : "torch " + p.getValue().path("torch").asText()));
        }
        System.out.printf("%-9s %-22s %10s%n", "input", "variant", "ms");
        for (Map.Entry<String, Map<String, Double>> s : dl4j.entrySet()) {
            for (Map.Entry<String, Double> v : s.getValue().entrySet()) {
                System.out.printf("%-9s %-22s %10.1f%n", s.getKey(), "DL4J " + v.getKey(), v.getValue());
            }
            double best = Double.NaN;
            String bestName = null;
            for (Map.Entry<String, JsonNode> p : peers.entrySet()) {
                if (p.getValue() == null) continue;
                for (JsonNode row : p.getValue().path("rows")) {
                    if (!row.path("input").asText().equals(s.getKey())) continue;
                    double ms = row.path("ms").asDouble();
                    System.out.printf(
                            "%-9s %-22s %10.1f%n",
                            s.getKey(), p.getKey() + " " + row.path("format").asText(), ms);
                    if (p.getKey().equals(torch2 == null ? "torch-debian" : "torch2") && !(ms >= best)) {
                        best = ms;
                        bestName = p.getKey() + " " + row.path("format").asText();
                    }
                }
            }
            double device = s.getValue().get("DEVICE");
            System.out.printf(
                    "%-9s DEVICE/NONE %.2fx; DL4J DEVICE / best PyTorch (%s) %.2fx%n",
                    s.getKey(), device / s.getValue().get("NONE"), bestName, device / best);
        }
        System.out.println("peak RSS " + peakRssMb() + " MB");
    }

    /**
     * Median ms per variant. Each variant runs its steps in one block and is released before the
     * next: three nets' steps interleaved at 512x1024 slowed each other (docs/performance.md, section 11).
     */
    static Map<String, Double> dl4jSteps(int h, int w, int reps) {
        ModelBlueprint student = ModelBlueprint.of(ModelSpec.segmentationStudent(CLASSES, h, w));
        ModelBlueprint teacher = ModelBlueprint.of(ModelSpec.segmentationTeacher(CLASSES, h, w));
        TapInfo logits = student.tap("logits");
        ComputationGraphConfiguration device = student.withLossOutputs(Map.of("logits", new LossL2()));
        ComputationGraphConfiguration none = device.clone();
        none.setCacheMode(CacheMode.NONE);
        INDArray labels = Nd4j.randn(BATCH, logits.flatSize());
        INDArray nchw = Nd4j.randn(BATCH, 3, h, w);
        Map<String, Double> medians = new LinkedHashMap<>();
        medians.put("NONE", medianFitMs(() -> net(none), new MultiDataSet(nchw, labels), reps));
        medians.put("DEVICE", medianFitMs(() -> net(device), new MultiDataSet(nchw, labels), reps));
        medians.put(
                "DEVICE+NHWC",
                medianFitMs(
                        () -> net(nhwc(student, h, w)),
                        new MultiDataSet(nchw.permute(0, 2, 3, 1).dup(), labels),
                        reps));
        // What the distillation losses add inside the training graph: the distill job's objective
        // with the task loss alone, then with pixel-kd, cwd (logits) and at (neck) on random teacher maps.
        for (Map.Entry<String, List<DistillTerm>> set : Map.of(
                        "distill CE only",
                        List.<DistillTerm>of(),
                        "distill CE+kd+cwd+at",
                        PeerBench.termSets().get("all four").stream()
                                .filter(t -> t.kind() != DistillTerm.Kind.PAIRWISE)
                                .toList())
                .entrySet()
                .stream()
                .sorted(Map.Entry.comparingByKey())
                .toList()) {
            SegmentationObjective objective = SegmentationObjective.of(student, teacher.taps(), set.getValue());
            medians.put(
                    set.getKey(),
                    medianFitMs(
                            () -> {
                                ComputationGraph net = net(objective.configuration());
                                objective.initialize(net);
                                return net;
                            },
                            new MultiDataSet(new INDArray[] {nchw}, PeerBench.labels(objective)),
                            reps));
        }
        return medians;
    }

    private static double medianFitMs(
            java.util.function.Supplier<ComputationGraph> build, MultiDataSet data, int reps) {
        ComputationGraph net = build.get();
        double ms = ModelBench.medianFitMs(net, data, reps);
        net.clear();
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        System.gc();
        return ms;
    }

    /** The same student with every layer in NHWC: the layers take their format from the input type. */
    static ComputationGraphConfiguration nhwc(ModelBlueprint student, int h, int w) {
        GraphBuilder g = student.graphBuilder();
        g.getNetworkInputTypes().clear();
        g.setInputTypes(InputType.convolutional(h, w, 3, CNN2DFormat.NHWC));
        TapInfo tap = student.tap("logits");
        String out = ModelBlueprint.outputName("logits");
        g.addLayer(
                out,
                new LossLayer.Builder(new LossL2())
                        .activation(Activation.IDENTITY)
                        .build(),
                new CnnToFeedForwardPreProcessor(tap.height(), tap.width(), tap.channels(), CNN2DFormat.NHWC),
                tap.vertexName());
        return GraphHeads.pruneToOutputs(g.setOutputs(out)).build();
    }

    private static ComputationGraph net(ComputationGraphConfiguration conf) {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** Runs the peer script; its JSON, or null (and says why). */
    private static JsonNode peer(String python, String pythonPath, int threads, int reps, String sizes)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        python,
                        SCRIPT.toString(),
                        "--threads",
                        String.valueOf(threads),
                        "--reps",
                        String.valueOf(reps),
                        "--batch",
                        String.valueOf(BATCH),
                        "--sizes",
                        sizes,
                        "--json")
                .redirectErrorStream(true);
        if (pythonPath != null) pb.environment().put("PYTHONPATH", pythonPath);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String json =
                out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (p.waitFor() != 0 || json == null) {
            System.out.println("PyTorch peer " + python + (pythonPath == null ? "" : " PYTHONPATH=" + pythonPath)
                    + " not run: " + out.strip());
            return null;
        }
        return new ObjectMapper().readTree(json);
    }

    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
