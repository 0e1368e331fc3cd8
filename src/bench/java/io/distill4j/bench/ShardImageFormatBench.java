package io.distill4j.bench;

import io.distill4j.data.*;
import io.distill4j.data.SourceSample;
import io.distill4j.data.cityscapes.CityscapesLayout;
import io.distill4j.data.coco.CocoLayout;
import io.distill4j.data.formats.DatasetFormats;
import io.distill4j.data.sample.GeneratedSample;
import io.distill4j.data.sample.SampleDatasetGenerator;
import io.distill4j.data.sample.SampleSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Measures how the shard's {@code image} column (and Cityscapes' {@code seg_label}) should be stored:
 * raw uint8 CHW bytes or PNG. For each dataset of the generated sample it times, in one run,
 * decode + resize + encode of every sample (images/s), the stored bytes per sample, and the cost of
 * reading the column back into uint8 CHW (images/s), and prints PNG/raw ratios.
 *
 * <p>Run (after {@code mvn -B -o -q compile}):
 * <pre>
 * java -cp target/classes:$(cat target/classpath.txt) io.distill4j.bench.ShardImageFormatBench [repeats=5]
 * </pre>
 * ({@code target/classpath.txt} is written by the build; {@code mvn dependency:build-classpath
 * -Dmdep.outputFile=FILE -Dmdep.includeScope=compile} writes the same list elsewhere.)
 *
 * <p>The sample's images are synthetic (flat colours, textures, mild noise): PNG compresses them
 * better than it compresses real photographs, so the byte ratio here is a lower bound for real data.
 */
public final class ShardImageFormatBench {
    private static final int CITYSCAPES_H = 128, CITYSCAPES_W = 256;
    private static final int COCO_H = 160, COCO_W = 160;

    private ShardImageFormatBench() {}

    public static void main(String[] args) throws IOException {
        int repeats = 5;
        for (String arg : args) {
            if (arg.startsWith("repeats=")) repeats = Integer.parseInt(arg.substring("repeats=".length()));
            else throw new IllegalArgumentException("unknown argument '" + arg + "'; usage: [repeats=N]");
        }
        if (repeats < 1) throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        FileSystem fs = FileSystem.getLocal(new Configuration());
        java.nio.file.Path dir = Files.createTempDirectory("distill4j-bench");
        try {
            GeneratedSample sample =
                    SampleDatasetGenerator.generate(fs, new Path(dir.toUri().toString()), SampleSpec.defaults());
            List<SourceSample> cityscapes =
                    new ArrayList<>(CityscapesLayout.list(fs, sample.cityscapesRoot(), "train"));
            cityscapes.addAll(CityscapesLayout.list(fs, sample.cityscapesRoot(), "val"));
            List<SourceSample> coco = new ArrayList<>(CocoLayout.list(fs, sample.cocoRoot(), "train2017"));
            coco.addAll(CocoLayout.list(fs, sample.cocoRoot(), "val2017"));

            System.out.printf(
                    Locale.ROOT,
                    "Shard column formats, median of %d passes; resized to cityscapes %dx%d, coco %dx%d (HxW)%n",
                    repeats,
                    CITYSCAPES_H,
                    CITYSCAPES_W,
                    COCO_H,
                    COCO_W);
            System.out.printf(
                    Locale.ROOT,
                    "%-10s %-9s %-6s %9s %14s %16s %14s%n",
                    "dataset",
                    "column",
                    "format",
                    "samples",
                    "bytes/sample",
                    "decode+resize+",
                    "read back");
            System.out.printf(
                    Locale.ROOT, "%-10s %-9s %-6s %9s %14s %16s %14s%n", "", "", "", "", "", "encode img/s", "img/s");
            report("cityscapes", fs, cityscapes, CITYSCAPES_H, CITYSCAPES_W, repeats);
            report("coco", fs, coco, COCO_H, COCO_W, repeats);
        } finally {
            fs.delete(new Path(dir.toUri().toString()), true);
        }
    }

    private static void report(String name, FileSystem fs, List<SourceSample> samples, int h, int w, int repeats) {
        // Decode once up front so the column encoders and readers are timed on identical inputs.
        List<ShardRecord> records = new ArrayList<>();
        for (SourceSample s : samples) records.add(DatasetFormats.decode(s, fs, h, w));
        double decodeRate = rate(repeats, samples.size(), () -> {
            for (SourceSample s : samples) DatasetFormats.decode(s, fs, h, w);
        });
        double decodeSeconds = samples.size() / decodeRate;

        Row rawImage = measure(records, repeats, r -> r.image(), bytes -> bytes.clone());
        Row pngImage = measure(
                records,
                repeats,
                r -> ImageOps.encodeRgbPng(new ChwImage(3, r.height(), r.width(), r.image())),
                bytes -> ImageOps.decodeRgb(bytes).data());
        print(name, "image", "raw", rawImage, decodeSeconds, samples.size());
        print(name, "image", "png", pngImage, decodeSeconds, samples.size());
        System.out.printf(
                Locale.ROOT,
                "%-10s %-9s %-6s %9s %14.3f %16.2f %14.3f%n",
                "",
                "image",
                "png/raw",
                "",
                pngImage.bytesPerSample / rawImage.bytesPerSample,
                throughput(pngImage, decodeSeconds, samples.size())
                        / throughput(rawImage, decodeSeconds, samples.size()),
                pngImage.readRate / rawImage.readRate);
        if (records.get(0).labels() instanceof SegmentationLabels) {
            Row rawLabel = measure(records, repeats, r -> r.segmentation().trainIds(), bytes -> bytes.clone());
            Row pngLabel = measure(
                    records,
                    repeats,
                    r -> ImageOps.encodeLabelPng(new ChwImage(
                            1, r.height(), r.width(), r.segmentation().trainIds())),
                    bytes -> ImageOps.decodeLabelPng(bytes).data());
            print(name, "seg_label", "raw", rawLabel, decodeSeconds, samples.size());
            print(name, "seg_label", "png", pngLabel, decodeSeconds, samples.size());
            System.out.printf(
                    Locale.ROOT,
                    "%-10s %-9s %-6s %9s %14.3f %16.2f %14.3f%n",
                    "",
                    "seg_label",
                    "png/raw",
                    "",
                    pngLabel.bytesPerSample / rawLabel.bytesPerSample,
                    throughput(pngLabel, decodeSeconds, samples.size())
                            / throughput(rawLabel, decodeSeconds, samples.size()),
                    pngLabel.readRate / rawLabel.readRate);
        }
    }

    private interface Encoder {
        byte[] encode(ShardRecord r);
    }

    private interface Reader {
        byte[] read(byte[] stored);
    }

    /** Encode seconds for all samples, mean stored bytes, read-back images/s. */
    private record Row(double encodeSeconds, double bytesPerSample, double readRate) {}

    private static Row measure(List<ShardRecord> records, int repeats, Encoder encoder, Reader reader) {
        List<byte[]> stored = new ArrayList<>();
        long total = 0;
        for (ShardRecord r : records) {
            byte[] b = encoder.encode(r);
            stored.add(b);
            total += b.length;
        }
        double encodeRate = rate(repeats, records.size(), () -> {
            for (ShardRecord r : records) encoder.encode(r);
        });
        double readRate = rate(repeats, records.size(), () -> {
            for (byte[] b : stored) reader.read(b);
        });
        return new Row(records.size() / encodeRate, (double) total / records.size(), readRate);
    }

    private static void print(String name, String column, String format, Row row, double decodeSeconds, int n) {
        System.out.printf(
                Locale.ROOT,
                "%-10s %-9s %-6s %9d %14.0f %16.1f %14.1f%n",
                name,
                column,
                format,
                n,
                row.bytesPerSample,
                throughput(row, decodeSeconds, n),
                row.readRate);
    }

    /** Images/s of the whole shard-side path: decode + resize (shared) plus this column's encoding. */
    private static double throughput(Row row, double decodeSeconds, int n) {
        return n / (decodeSeconds + row.encodeSeconds);
    }

    /** Median over {@code repeats} timed passes (after one warm-up pass) of items/s. */
    private static double rate(int repeats, int items, Runnable pass) {
        pass.run();
        double[] rates = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            pass.run();
            rates[i] = items / ((System.nanoTime() - t) / 1e9);
        }
        Arrays.sort(rates);
        return rates[repeats / 2];
    }
}
