package io.distill4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.cache.ModelFiles;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.sample.SampleDatasetGenerator;
import io.distill4j.data.sample.SampleSpec;
import io.distill4j.jobs.CacheTeacherJob;
import io.distill4j.jobs.ShardJob;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.onnx.OnnxSessions;
import io.distill4j.onnx.export.OnnxExporter;
import io.distill4j.onnx.export.SpatialSize;
import io.distill4j.train.Networks;
import io.distill4j.util.NativeSetup;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference engines on the same architectures, in one run: the default segmentation student and
 * teacher (ModelSpec, stride 8, 19 classes, batch 8 at 128x256) forward in DL4J (oneDNN helpers
 * on, the default path), in ONNX Runtime on the ONNX file bench/onnx_engines.py exported from
 * bench/torch_peer.py's same architecture, and in PyTorch on the module that file was exported
 * from (the same weights as the ONNX file; DL4J's are its own random ones, which does not change
 * the work of a dense forward pass), and in ONNX Runtime on the DL4J graph as distill4j's own
 * exporter writes it (what {@code inference.engine = onnx-runtime} runs). Then, with {@code --cache},
 * cache-teacher images/s on a generated sample at 128x256 on local[2] three ways: a DL4J teacher.zip
 * of that architecture with {@code inference.engine = dl4j}, the same teacher.zip with
 * {@code onnx-runtime} (exported on the fly), and the PyTorch-exported ONNX teacher; Spark's job
 * overhead included.
 *
 * <pre>
 * mvn -B -o -q compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=compile
 * java -Xmx4g $(cat target/classes/distill4j-jvm.options) -cp target/classes:$(cat target/classpath.txt) \
 *     io.distill4j.bench.EngineBench [threads] [repetitions] [--cache] [--torch2=DIR]
 * </pre>
 * {@code --torch2=DIR} also times the PyTorch modules with the torch found in DIR (put there by
 * {@code python3 -m pip install --no-index --no-deps --target DIR torch-2.*.whl}; STACK's "PyTorch 2.x").
 */
public final class EngineBench {
    private static final Path SCRIPT = Path.of("bench", "onnx_engines.py");
    private static final int BATCH = 8;
    private static final int H = 128;
    private static final int W = 256;

    private EngineBench() {}

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.stream(args).filter(s -> !s.startsWith("--")).toList();
        int threads = a.size() > 0 ? Integer.parseInt(a.get(0)) : 2;
        int reps = a.size() > 1 ? Integer.parseInt(a.get(1)) : 10;
        boolean cache = Arrays.asList(args).contains("--cache");
        System.out.println(NativeSetup.init(threads, true));
        Path dir = Files.createTempDirectory("distill4j-engine-bench");
        JsonNode torch = runPython(dir, threads, reps, null);
        String torch2Dir = Arrays.stream(args)
                .filter(x -> x.startsWith("--torch2="))
                .map(x -> x.substring(9))
                .findFirst()
                .orElse(null);
        JsonNode torch2 = torch2Dir == null ? null : runPython(dir, threads, reps, torch2Dir);
        System.out.printf(
                Locale.ROOT,
                "forward, batch %d x 3 x %d x %d, %d threads, median of %d (PyTorch %s)%n",
                BATCH,
                H,
                W,
                threads,
                reps,
                torch.path("torch").asText());
        if (torch2 != null)
            System.out.println("second PyTorch: " + torch2.path("torch").asText());
        System.out.printf(
                Locale.ROOT,
                "%-12s %10s %10s %12s %10s %10s %12s %12s %10s %10s %10s%n",
                "model",
                "DL4J ms",
                "ORT ms",
                "ORT(d4j) ms",
                "torch ms",
                "torch2 ms",
                "DL4J ms/img",
                "ORT ms/img",
                "DL4J/ORT",
                "torch/ORT",
                "torch2/ORT");
        int index = 0;
        for (JsonNode row : torch.path("rows")) {
            double pt2 = torch2 == null
                    ? Double.NaN
                    : torch2.path("rows").get(index).path("ms").asDouble();
            index++;
            String model = row.path("model").asText();
            ModelSpec spec = model.equals("seg-teacher")
                    ? ModelSpec.segmentationTeacher(19, H, W)
                    : ModelSpec.segmentationStudent(19, H, W);
            ComputationGraph net = graph(ModelBlueprint.of(spec));
            double dl4j = dl4jForwardMs(net, reps);
            double[] both = ortForwardMs(
                    threads,
                    reps,
                    Files.readAllBytes(Path.of(row.path("file").asText())),
                    OnnxExporter.export(net, new SpatialSize(H, W)).model().toByteArray());
            double ort = both[0];
            double ortOwn = both[1];
            double pt = row.path("ms").asDouble();
            System.out.printf(
                    Locale.ROOT,
                    "%-12s %10.1f %10.1f %12.1f %10.1f %10.1f %12.2f %12.2f %9.2fx %9.2fx %9.2fx%n",
                    model,
                    dl4j,
                    ort,
                    ortOwn,
                    pt,
                    pt2,
                    dl4j / BATCH,
                    ort / BATCH,
                    dl4j / ort,
                    pt / ort,
                    pt2 / ort);
        }
        if (cache) cacheTeacher(dir, dir.resolve("seg-teacher.onnx"));
    }

    /** @param torchDir null: export and time with the python3 that has torch and onnx; else time only with that torch */
    private static JsonNode runPython(Path out, int threads, int reps, String torchDir) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                "python3",
                SCRIPT.toString(),
                "--size",
                H + "x" + W,
                "--batch",
                String.valueOf(BATCH),
                "--threads",
                String.valueOf(threads),
                "--reps",
                String.valueOf(reps)));
        cmd.addAll(torchDir == null ? List.of("--out", out.toString()) : List.of("--time-only"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (torchDir != null) pb.environment().put("PYTHONPATH", torchDir);
        Process p = pb.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0)
            throw new IllegalStateException(SCRIPT + " failed (python3 with torch and onnx?): " + stdout);
        return new ObjectMapper().readTree(stdout.lines().reduce((x, y) -> y).orElseThrow());
    }

    private static ComputationGraph graph(ModelBlueprint bp) {
        ComputationGraph net = new ComputationGraph(
                bp.withLossOutputs(Map.of("logits", new org.nd4j.linalg.lossfunctions.impl.LossL2())));
        net.init();
        return net;
    }

    private static double dl4jForwardMs(ComputationGraph net, int reps) {
        INDArray x = Nd4j.randn(DataType.FLOAT, BATCH, 3, H, W);
        for (int i = 0; i < 2; i++) net.feedForward(x, false);
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            net.feedForward(x, false);
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        return median(t);
    }

    /**
     * The median forward time of each ONNX file, their runs interleaved so that a changing load
     * weighs on both alike (PyTorch's export and distill4j's export of the same architecture).
     */
    private static double[] ortForwardMs(int threads, int reps, byte[]... onnx) throws Exception {
        float[] x = Nd4j.randn(DataType.FLOAT, BATCH, 3, H, W).data().asFloat();
        List<OrtSession> sessions = new java.util.ArrayList<>();
        try (OnnxTensor in =
                OnnxTensor.createTensor(OnnxSessions.environment(), FloatBuffer.wrap(x), new long[] {BATCH, 3, H, W})) {
            for (byte[] b : onnx) sessions.add(OnnxSessions.open(b, threads, "bench"));
            double[][] t = new double[onnx.length][reps];
            for (int i = -2; i < reps; i++) {
                for (int k = 0; k < onnx.length; k++) {
                    long t0 = System.nanoTime();
                    sessions.get(k).run(Map.of("image", in)).close();
                    if (i >= 0) t[k][i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double[] medians = new double[onnx.length];
            for (int k = 0; k < onnx.length; k++) medians[k] = median(t[k]);
            return medians;
        } finally {
            for (OrtSession s : sessions) s.close();
        }
    }

    /** cache-teacher on local[2] over 48 generated images at 128x256, twice per engine, alternating. */
    private static void cacheTeacher(Path dir, Path onnx) throws Exception {
        Path sample = dir.resolve("sample");
        Files.createDirectories(sample);
        FileSystem fs = FileSystem.getLocal(new Configuration());
        SampleDatasetGenerator.generate(
                fs,
                new org.apache.hadoop.fs.Path(sample.toUri()),
                new SampleSpec(7, new SampleSpec.DatasetSize(48, 1, W, H), new SampleSpec.DatasetSize(1, 1, 64, 64)));
        List<String> base = List.of(
                "work-dir=\"" + dir.resolve("work") + "\"",
                "spark.master=\"local[2]\"",
                "dataset.root=\"" + sample.resolve("cityscapes") + "\"",
                "shard.height=" + H,
                "shard.width=" + W,
                "shard.num-shards=4",
                "model.teacher={width=32, depth=2, output-stride=8}",
                "cache.batch-size=8",
                "cache.outputs=[{name=logits, codec=fp16}]");
        Distill4jConfig c = ConfigLoader.load(null, base);
        SparkSession spark = SparkSessions.start(c);
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        try {
            new ShardJob(spark, c.dataset(), c.shard()).run();
            ComputationGraph teacher = new ComputationGraph(Networks.teacher(c, H, W)
                    .withLossOutputs(Map.of("logits", new org.nd4j.linalg.lossfunctions.impl.LossL2())));
            teacher.init();
            java.nio.file.Files.createDirectories(dir.resolve("work/teacher"));
            ModelFiles.write(
                    fs,
                    new org.apache.hadoop.fs.Path(
                            dir.resolve("work/teacher/teacher.zip").toUri()),
                    teacher,
                    false);
            List<String> ort = new java.util.ArrayList<>(base);
            ort.addAll(List.of(
                    "teacher.onnx.path=\"" + onnx + "\"",
                    "teacher.onnx.preprocessing=distill4j",
                    "teacher.onnx.outputs=[{onnx=logits, name=logits, stride=8}]"));
            System.out.printf(Locale.ROOT, "cache-teacher, local[2], 48 images at %dx%d, fp16 logits%n", H, W);
            Map<String, List<String>> ways = new java.util.LinkedHashMap<>();
            ways.put("teacher.zip, dl4j", plus(base, "inference.engine=dl4j"));
            ways.put("teacher.zip, onnx-runtime", plus(base, "inference.engine=onnx-runtime"));
            ways.put("teacher.onnx (PyTorch)", ort);
            for (int round = 1; round <= 2; round++) {
                int way = 0;
                for (Map.Entry<String, List<String>> e : ways.entrySet()) {
                    List<String> o =
                            plus(e.getValue(), "cache.output=\"" + dir.resolve("cache-" + way++ + "-" + round) + "\"");
                    long t0 = System.nanoTime();
                    new CacheTeacherJob(spark, ConfigLoader.load(null, o), quiet).run();
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(
                            Locale.ROOT, "  round %d %-27s %6.1f s  %6.1f images/s%n", round, e.getKey(), s, 48 / s);
                }
            }
        } finally {
            spark.stop();
        }
    }

    private static List<String> plus(List<String> base, String extra) {
        List<String> all = new java.util.ArrayList<>(base);
        all.add(extra);
        return all;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
