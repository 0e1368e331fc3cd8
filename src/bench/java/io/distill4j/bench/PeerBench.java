package io.distill4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.config.DistillTerm;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.TapInfo;
import io.distill4j.onnx.export.PythonInterpreters;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.util.NativeSetup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * DL4J against PyTorch in one run (issue #10): the segmentation student and teacher train step and
 * forward pass (batch 8, L2 on the logits, as {@code model.ModelBench}) and the student's
 * distillation step, built as the distill job builds it ({@link SegmentationObjective}: task
 * cross-entropy plus one output per term, adapters where channels differ) for pixel-kd and cwd on
 * the logits, at and pairwise on the neck, and all four together, against random teacher maps of
 * the teacher's tap shapes. Then, with the same threads, it runs {@code bench/torch_peer.py --json}
 * (the same architectures and losses in PyTorch) and prints DL4J ms, PyTorch ms and DL4J/PyTorch per
 * row. Without a python3 that can import torch (PATH first) it says so and prints the DL4J column only. The child
 * inherits the environment, so both sides run under the same {@code OMP_WAIT_POLICY}; the load
 * average is printed at the start and the end, since the two halves run one after the other.
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java -cp target/classes:$(cat target/classpath.txt) io.distill4j.bench.PeerBench [threads] [repetitions]
 * </pre>
 */
public final class PeerBench {
    private static final int BATCH = 8;
    private static final int CLASSES = 19;
    /** The temperature of the logit terms, as in the shipped configurations. */
    private static final double TAU = 4.0;

    private static final Path PEER_SCRIPT = Path.of("bench", "torch_peer.py");

    private PeerBench() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.println("load average at start: " + loadAverage());
        System.out.println(NativeSetup.init(threads, true));
        Map<String, Double> dl4j = new LinkedHashMap<>();
        for (int[] size : new int[][] {{64, 128}, {128, 256}}) {
            String input = size[0] + "x" + size[1];
            ModelBlueprint student = ModelBlueprint.of(ModelSpec.segmentationStudent(CLASSES, size[0], size[1]));
            ModelBlueprint teacher = ModelBlueprint.of(ModelSpec.segmentationTeacher(CLASSES, size[0], size[1]));
            INDArray image = Nd4j.randn(BATCH, 3, size[0], size[1]);
            for (ModelBlueprint model : List.of(student, teacher)) {
                MultiDataSet data = new MultiDataSet(
                        image, Nd4j.randn(BATCH, model.tap("logits").flatSize()));
                double[] ms = ModelBench.time(model.withLossOutputs(Map.of("logits", new LossL2())), true, data, reps);
                dl4j.put(key(model.spec().name() + " train", input), ms[0]);
                dl4j.put(key(model.spec().name() + " forward", input), ms[1]);
            }
            for (Map.Entry<String, List<DistillTerm>> set : termSets().entrySet()) {
                SegmentationObjective objective = SegmentationObjective.of(student, teacher.taps(), set.getValue());
                ComputationGraph net = new ComputationGraph(objective.configuration());
                net.init();
                objective.initialize(net);
                double ms =
                        ModelBench.medianFitMs(net, new MultiDataSet(new INDArray[] {image}, labels(objective)), reps);
                dl4j.put(key("distill " + set.getKey(), input), ms);
            }
        }
        Map<String, Double> torch = new LinkedHashMap<>();
        String torchVersion = runPeer(threads, reps, torch);
        System.out.println("load average at end: " + loadAverage());
        System.out.printf(
                "threads %d, batch %d, median of %d steps; PyTorch: %s%n",
                threads, BATCH, reps, torchVersion == null ? "not run" : "torch " + torchVersion);
        System.out.printf("%-26s %-9s %11s %11s %8s%n", "row", "input", "DL4J", "PyTorch", "DL4J/PT");
        for (Map.Entry<String, Double> e : dl4j.entrySet()) {
            String[] rowInput = e.getKey().split("\t");
            Double pt = torch.get(e.getKey());
            System.out.printf(
                    "%-26s %-9s %9.1fms %11s %8s%n",
                    rowInput[0],
                    rowInput[1],
                    e.getValue(),
                    pt == null ? "-" : String.format("%9.1fms", pt),
                    pt == null ? "-" : String.format("%7.2fx", e.getValue() / pt));
        }
    }

    /** The term sets timed, in the order of {@code TERM_SETS} in torch_peer.py (weight 1 each). */
    static Map<String, List<DistillTerm>> termSets() {
        DistillTerm pixelKd = new DistillTerm(DistillTerm.Kind.PIXEL_KD, "logits", "logits", 1.0, TAU);
        DistillTerm cwd = new DistillTerm(DistillTerm.Kind.CWD, "logits", "logits", 1.0, TAU);
        DistillTerm at = new DistillTerm(DistillTerm.Kind.AT, "neck", "neck", 1.0, 1.0);
        DistillTerm pairwise = new DistillTerm(DistillTerm.Kind.PAIRWISE, "neck", "neck", 1.0, 1.0);
        Map<String, List<DistillTerm>> sets = new LinkedHashMap<>();
        sets.put("pixel-kd@logits", List.of(pixelKd));
        sets.put("cwd@logits", List.of(cwd));
        sets.put("at@neck", List.of(at));
        sets.put("pairwise@neck", List.of(pairwise));
        sets.put("all four", List.of(pixelKd, cwd, at, pairwise));
        return sets;
    }

    /**
     * Labels in the objective's output order: random trainIds for the task, a random teacher map
     * of the teacher tap's shape per term, followed by an all-valid mask where the term takes one.
     */
    static INDArray[] labels(SegmentationObjective objective) {
        TapInfo logits = objective.logits();
        long pixels = (long) logits.height() * logits.width();
        List<INDArray> labels = new ArrayList<>();
        labels.add(Transforms.floor(Nd4j.rand(new long[] {BATCH, pixels}).muli(CLASSES), false));
        for (SegmentationObjective.Term term : objective.terms()) {
            INDArray teacherMap = Nd4j.randn(BATCH, term.teacherTap().flatSize());
            TapInfo t = term.teacherTap();
            labels.add(
                    SegmentationObjective.labelsCarryMask(term)
                            ? Nd4j.hstack(teacherMap, Nd4j.ones(BATCH, (long) t.height() * t.width()))
                            : teacherMap);
        }
        return labels.toArray(new INDArray[0]);
    }

    /** Runs torch_peer.py; fills ms per row and returns the torch version, or null (and says why). */
    private static String runPeer(int threads, int reps, Map<String, Double> into) throws Exception {
        String python = PythonInterpreters.withModule("torch").orElse(null);
        if (python == null || !Files.isRegularFile(PEER_SCRIPT)) {
            System.out.println("PyTorch peer not run: "
                    + (python == null
                            ? "no python3 that can import torch"
                            : PEER_SCRIPT.toAbsolutePath() + " is missing"));
            return null;
        }
        Process p = new ProcessBuilder(
                        python,
                        PEER_SCRIPT.toString(),
                        String.valueOf(threads),
                        String.valueOf(reps),
                        "--json",
                        "--tau",
                        String.valueOf(TAU))
                .redirectErrorStream(true)
                .start();
        String json = null;
        StringBuilder other = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("{")) json = line;
                else other.append(line).append('\n');
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || json == null) {
            System.out.println("PyTorch peer not run (" + PEER_SCRIPT + " exit " + rc
                    + "; is python3-torch installed?):\n" + other.toString().strip());
            return null;
        }
        JsonNode root = new ObjectMapper().readTree(json);
        for (JsonNode row : root.get("rows")) {
            into.put(
                    key(row.get("row").asText(), row.get("input").asText()),
                    row.get("ms").asDouble());
        }
        return root.get("torch").asText();
    }

    private static String key(String row, String input) {
        return row + "\t" + input;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
