package io.distill4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.onnx.export.OnnxExporter;
import io.distill4j.onnx.export.SpatialSize;
import io.distill4j.util.NativeSetup;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's forward pass against ONNX Runtime's on the same exported student (issue #16), in one run:
 * the default segmentation student (19 classes, stride 8) is exported once with a dynamic input size
 * and both engines run the same weights at the sample size (64x128) and at Cityscapes' 512x1024,
 * batch 1 and 8, median of {@code reps} after one warm-up each. DL4J runs with the project's native
 * setup (oneDNN, {@code threads} threads); ONNX Runtime with {@code threads} intra-op threads, one
 * inter-op thread and spinning off, as the executors use it. Prints ms per batch and DL4J/ORT, and
 * the load average before and after (the machine is shared).
 *
 * <p>{@code java -cp CP io.distill4j.bench.OnnxForwardBench [threads=2] [reps=5]}
 */
public final class OnnxForwardBench {
    private OnnxForwardBench() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.println(NativeSetup.init(threads, true));
        System.out.println("load average at start: " + load());
        ModelSpec spec = ModelSpec.segmentationStudent(19, 64, 128);
        // The body alone, so DL4J accepts any input size (student.zip's loss layer fixes one).
        ComputationGraph net = new ComputationGraph(
                ModelBlueprint.of(spec).graphBuilder().setOutputs("logits").build());
        net.init();
        byte[] onnx = OnnxExporter.export(net, SpatialSize.DYNAMIC).model().toByteArray();
        System.out.printf("student %s: %d parameters, ONNX %d bytes%n", spec.name(), net.numParams(), onnx.length);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(onnx, options)) {
                System.out.printf("%-22s %12s %12s %10s%n", "input", "DL4J ms", "ORT ms", "DL4J/ORT");
                for (int[] size : new int[][] {{64, 128}, {512, 1024}}) {
                    for (int batch : new int[] {1, 8}) {
                        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, size[0], size[1])
                                .subi(0.5)
                                .muli(4);
                        double dl4j = median(reps, () -> net.outputSingle(false, x));
                        float[] data = x.dup('c').data().asFloat();
                        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), x.shape())) {
                            double ort = median(reps, () -> {
                                try (OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT, t))) {
                                    return r.get(0);
                                }
                            });
                            System.out.printf(
                                    "%-22s %12.1f %12.1f %9.2fx%n",
                                    batch + " x 3 x " + size[0] + "x" + size[1], dl4j, ort, dl4j / ort);
                        }
                    }
                }
            }
        }
        System.out.println("load average at end: " + load());
    }

    private interface Work {
        Object run() throws Exception;
    }

    private static double median(int reps, Work work) throws Exception {
        work.run();
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
