package io.distill4j.bench;

import io.distill4j.data.ChwImage;
import io.distill4j.data.ImageOps;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardFingerprint;
import io.distill4j.data.ShardRecord;
import java.util.Locale;
import java.util.Random;

/**
 * What the shards' content fingerprint costs a shard task at Cityscapes' full 1024x2048: the time
 * to hash one row (image and label, {@link ShardFingerprint#row}) against the time the same task
 * already spends decoding that sample's image and label PNGs. Prints both and their ratio.
 *
 * <pre>java -cp $(cat target/classpath.txt):target/classes io.distill4j.bench.ShardFingerprintBench [rounds]</pre>
 */
public final class ShardFingerprintBench {
    private ShardFingerprintBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int h = 1024;
        int w = 2048;
        Random rnd = new Random(1);
        byte[] rgb = new byte[3 * h * w];
        byte[] labels = new byte[h * w];
        // Smooth regions with some noise, closer to a street scene's PNG size than pure noise.
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int region = (y / 128) * 16 + x / 128;
                labels[y * w + x] = (byte) (region % 19);
                for (int c = 0; c < 3; c++)
                    rgb[c * h * w + y * w + x] = (byte) (region * 37 * (c + 1) + rnd.nextInt(8));
            }
        }
        byte[] png = ImageOps.encodeRgbPng(new ChwImage(3, h, w, rgb));
        byte[] labelPng = ImageOps.encodeLabelPng(new ChwImage(1, h, w, labels));
        ShardRecord row = new ShardRecord(
                "cityscapes/train/bench/bench_000000_000019",
                "cityscapes",
                "train",
                h,
                w,
                h,
                w,
                rgb,
                new SegmentationLabels(labels),
                "bench");
        long sink = 0;
        for (int i = 0; i < 2; i++) {
            sink += ImageOps.decodeRgb(png).data().length
                    + ImageOps.decodeLabelPng(labelPng).data().length;
            sink += ShardFingerprint.row(row)[0];
        }
        long decodeNs = 0;
        long hashNs = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            sink += ImageOps.decodeRgb(png).data().length
                    + ImageOps.decodeLabelPng(labelPng).data().length;
            long t1 = System.nanoTime();
            sink += ShardFingerprint.row(row)[0];
            long t2 = System.nanoTime();
            decodeNs += t1 - t0;
            hashNs += t2 - t1;
        }
        double decodeMs = decodeNs / 1e6 / rounds;
        double hashMs = hashNs / 1e6 / rounds;
        double mb = (rgb.length + labels.length) / 1e6;
        System.out.printf(
                Locale.ROOT,
                "1024x2048 sample (%.1f MB image + label; PNGs %.1f MB), %d rounds%n",
                mb,
                (png.length + labelPng.length) / 1e6,
                rounds);
        System.out.printf(Locale.ROOT, "decode image + label PNG: %8.1f ms%n", decodeMs);
        System.out.printf(
                Locale.ROOT, "row hash (SHA-256):       %8.1f ms  (%.0f MB/s)%n", hashMs, mb / (hashMs / 1e3));
        System.out.printf(
                Locale.ROOT,
                "hash / decode:            %8.3f   (3000 samples: %.0f s of hashing over all tasks)%n",
                hashMs / decodeMs,
                3000 * hashMs / 1e3);
        if (sink == 42) System.out.println();
    }
}
