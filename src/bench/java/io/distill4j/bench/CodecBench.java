package io.distill4j.bench;

import io.distill4j.tensor.*;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures every codec on synthetic teacher outputs and prints one table: bytes per sample, ratio
 * against fp32, reconstruction error, channel-softmax KL at tau 1 and 4, encode and decode MB/s (MB of
 * fp32 tensor per second, single thread, fastest of five timing windows).
 *
 * <p>Inputs: segmentation logits of 19 classes at 64x128 and 128x256 (stride 8 and 4 of a 512x1024
 * Cityscapes crop) with peaked, spatially coherent distributions (Voronoi regions, ambiguous at their
 * borders), and a 256-channel ReLU feature map at 64x128 (fp16 and int8 only: top-k is for logits, and
 * a softmax over feature channels means nothing, so its KL is not printed).
 *
 * <p>Run: {@code mvn -q compile && java -cp target/classes:$(cat target/classpath.txt) io.distill4j.bench.CodecBench}
 * (the class is pure Java, so {@code java -cp target/test-classes:target/classes io.distill4j.bench.CodecBench} works too).
 * Optional argument: seconds to warm up and then time each codec and direction (default 1.0); the
 * whole run takes about a minute. Optional second argument: a comma-separated list of the codecs to run,
 * e.g. {@code topk:4,int8}.
 */
public final class CodecBench {
    private static final int CLASSES = 19;
    private static final double[] TAUS = {1.0, 4.0};
    private static final List<String> LOGIT_CODECS =
            List.of("fp32", "fp16", "int8", "topk:1", "topk:2", "topk:4", "topk:8");
    private static final List<String> FEATURE_CODECS = List.of("fp32", "fp16", "int8");

    private CodecBench() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        List<String> only = args.length > 1 ? List.of(args[1].split(",")) : null;
        System.out.printf(
                Locale.ROOT,
                "%-22s %-7s %11s %7s %10s %10s %10s %10s %9s %9s%n",
                "tensor",
                "codec",
                "bytes",
                "ratio",
                "max|err|",
                "mean|err|",
                "KL tau=1",
                "KL tau=4",
                "enc MB/s",
                "dec MB/s");
        for (int[] shape : new int[][] {{CLASSES, 64, 128}, {CLASSES, 128, 256}}) {
            float[] x = segmentationLogits(shape, 42);
            for (String spec : LOGIT_CODECS)
                if (only == null || only.contains(spec))
                    row("logits " + dims(shape), TensorCodecs.forSpec(spec), x, shape, true, seconds);
        }
        int[] featureShape = {256, 64, 128};
        float[] f = featureMap(featureShape, 7);
        for (String spec : FEATURE_CODECS)
            if (only == null || only.contains(spec))
                row("features " + dims(featureShape), TensorCodecs.forSpec(spec), f, featureShape, false, seconds);
    }

    private static String dims(int[] s) {
        return s[0] + "x" + s[1] + "x" + s[2];
    }

    private static void row(String tensor, TensorCodec codec, float[] x, int[] shape, boolean logits, double seconds) {
        CodecReport r = CodecReport.measure(codec, x, shape, logits ? TAUS : new double[0]);
        double mb = 4.0 * x.length / 1e6;
        EncodedTensor e = codec.encode(x, shape);
        float[] out = new float[x.length];
        double enc = mb / secondsPerCall(() -> codec.encode(x, shape), seconds);
        double dec = mb / secondsPerCall(() -> codec.decodeInto(e, out), seconds);
        System.out.printf(
                Locale.ROOT,
                "%-22s %-7s %11d %7.2f %10.3g %10.3g %10s %10s %9.0f %9.0f%n",
                tensor,
                codec.name(),
                r.encodedBytes(),
                r.compressionRatio(),
                r.maxAbsError(),
                r.meanAbsError(),
                logits ? String.format(Locale.ROOT, "%.3g", r.klAt(1.0)) : "-",
                logits ? String.format(Locale.ROOT, "%.3g", r.klAt(4.0)) : "-",
                enc,
                dec);
    }

    /**
     * Seconds per call: after a warm-up as long as the budget (C2 needs it on a loaded machine), the
     * budget is split into five windows and the fastest window's mean wins, so other processes
     * sharing the cores inflate the figure less.
     */
    private static double secondsPerCall(Runnable call, double seconds) {
        long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < warmEnd) call.run();
        double best = Double.MAX_VALUE;
        for (int window = 0; window < 5; window++) {
            long start = System.nanoTime();
            long end = start + (long) (seconds / 5 * 1e9);
            int calls = 0;
            long now;
            do {
                call.run();
                calls++;
                now = System.nanoTime();
            } while (now < end);
            best = Math.min(best, (now - start) / 1e9 / calls);
        }
        return best;
    }

    /**
     * Logits of a segmentation head: pixels belong to Voronoi regions of random classes; inside a region
     * its class leads by about 12, near a border the two neighbouring classes share the lead, and the
     * other classes are Gaussian with a per-class bias.
     */
    static float[] segmentationLogits(int[] shape, long seed) {
        int channels = shape[0];
        int height = shape[1];
        int width = shape[2];
        int plane = height * width;
        SplittableRandom rnd = new SplittableRandom(seed);
        int seeds = 48;
        double[] sy = new double[seeds];
        double[] sx = new double[seeds];
        int[] sc = new int[seeds];
        for (int s = 0; s < seeds; s++) {
            sy[s] = rnd.nextDouble() * height;
            sx[s] = rnd.nextDouble() * width;
            sc[s] = rnd.nextInt(channels);
        }
        double[] bias = new double[channels];
        for (int c = 0; c < channels; c++) bias[c] = rnd.nextGaussian();
        double border = 0.04 * width;
        float[] x = new float[channels * plane];
        for (int h = 0; h < height; h++) {
            for (int w = 0; w < width; w++) {
                double d1 = Double.MAX_VALUE;
                double d2 = Double.MAX_VALUE;
                int c1 = 0;
                int c2 = 0;
                for (int s = 0; s < seeds; s++) {
                    double d = Math.hypot(h - sy[s], w - sx[s]);
                    if (d < d1) {
                        d2 = d1;
                        c2 = c1;
                        d1 = d;
                        c1 = sc[s];
                    } else if (d < d2) {
                        d2 = d;
                        c2 = sc[s];
                    }
                }
                double t = Math.min(1.0, (d2 - d1) / border);
                int p = h * width + w;
                for (int c = 0; c < channels; c++) {
                    double v = bias[c] + 1.5 * rnd.nextGaussian() - 1.0;
                    if (c == c1) v += 6 + 6 * t;
                    if (c == c2 && c2 != c1) v += 6 * (1 - t);
                    x[c * plane + p] = (float) v;
                }
            }
        }
        return x;
    }

    /** Post-ReLU backbone features: about half zeros, per-channel magnitudes spread over two decades. */
    static float[] featureMap(int[] shape, long seed) {
        int plane = shape[1] * shape[2];
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[shape[0] * plane];
        for (int c = 0; c < shape[0]; c++) {
            double scale = Math.exp(rnd.nextGaussian() * 1.2);
            double shift = rnd.nextGaussian() * 0.5;
            for (int p = 0; p < plane; p++)
                x[c * plane + p] = (float) (Math.max(0.0, rnd.nextGaussian() + shift) * scale);
        }
        return x;
    }
}
