package io.distill4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.Task;
import io.distill4j.onnx.export.PythonInterpreters;
import io.distill4j.util.NativeSetup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * What a backbone costs per training step: the segmentation student (FCN neck, 19 classes) on the
 * compact default and on torchvision's ResNet-18 at output strides 32, 16 and 8 (the dilated ones
 * leave DL4J M2's oneDNN helper for im2col + gemm) and MobileNetV2 at 8, with parameters, median
 * train-step and forward ms (L2 loss on the logits, as {@link ModelBench}); then the same ResNet-18
 * student in PyTorch ({@code bench/torch_backbone_peer.py}, torchvision's resnet18) and the
 * DL4J/PyTorch ratio of each ResNet-18 row, all measured in this one run.
 *
 * <pre>
 * java -cp $CP io.distill4j.bench.BackboneBench BATCH HEIGHT WIDTH [threads] [repetitions] [rows]
 * </pre>
 * rows: comma-separated backbone:outputStride, default
 * {@code compact:8,resnet18:32,resnet18:16,resnet18:8,mobilenetv2:8}.
 */
public final class BackboneBench {
    private static final String PEER_SCRIPT = "bench/torch_backbone_peer.py";

    private BackboneBench() {}

    public static void main(String[] args) throws Exception {
        int batch = Integer.parseInt(args[0]);
        int height = Integer.parseInt(args[1]);
        int width = Integer.parseInt(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        System.out.println(NativeSetup.init(threads, true));
        System.out.printf("batch %d, %dx%d, %d threads, median of %d steps%n", batch, height, width, threads, reps);
        System.out.printf(
                "%-12s %3s %11s %12s %12s %12s %12s %8s%n",
                "backbone", "os", "params", "dl4j train", "dl4j fwd", "torch train", "torch fwd", "train x");
        String rows = args.length > 5 ? args[5] : "compact:8,resnet18:32,resnet18:16,resnet18:8,mobilenetv2:8";
        for (String row : rows.split(",")) {
            String backbone = row.split(":")[0];
            int os = Integer.parseInt(row.split(":")[1]);
            ModelSpec spec = new ModelSpec(
                    Task.SEGMENTATION, backbone, 16, 1, os, 19, height, width, 7L, ContextHead.NONE, 1e-3, backbone);
            ModelBlueprint bp = ModelBlueprint.of(spec);
            ComputationGraphConfiguration conf = bp.withLossOutputs(Map.of("logits", new LossL2()));
            MultiDataSet data = new MultiDataSet(
                    Nd4j.randn(batch, 3, height, width),
                    Nd4j.randn(batch, bp.tap("logits").flatSize()));
            double[] dl4j = ModelBench.time(conf, true, data, reps);
            double[] torch = backbone.equals("resnet18") ? peer(batch, height, width, os, threads, reps) : null;
            System.out.printf(
                    "%-12s %3d %11d %10.0fms %10.0fms %12s %12s %8s%n",
                    backbone,
                    os,
                    bp.parameterCount(),
                    dl4j[0],
                    dl4j[1],
                    torch == null ? "-" : String.format("%.0fms", torch[0]),
                    torch == null ? "-" : String.format("%.0fms", torch[1]),
                    torch == null ? "-" : String.format("%.2fx", dl4j[0] / torch[0]));
        }
    }

    /** {train ms, forward ms} of the PyTorch peer, or null (saying why) without a python3 that has torchvision. */
    private static double[] peer(int batch, int height, int width, int os, int threads, int reps) throws Exception {
        String python = PythonInterpreters.withModule("torch, torchvision").orElse(null);
        if (python != null) {
            Process p = new ProcessBuilder(
                            python,
                            PEER_SCRIPT,
                            String.valueOf(batch),
                            String.valueOf(height),
                            String.valueOf(width),
                            String.valueOf(os),
                            String.valueOf(threads),
                            String.valueOf(reps))
                    .redirectErrorStream(true)
                    .start();
            String json = null;
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) if (line.startsWith("{")) json = line;
            }
            if (p.waitFor() == 0 && json != null) {
                JsonNode n = new ObjectMapper().readTree(json);
                return new double[] {
                    n.get("train_ms").asDouble(), n.get("forward_ms").asDouble()
                };
            }
        }
        System.out.println(
                "PyTorch peer not run: no python3 on PATH (or in the system places) ran it with torch and torchvision");
        return null;
    }
}
