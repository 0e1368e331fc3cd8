package io.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardFingerprintTest {
    private static ShardRecord record(String id, byte pixel, byte label, String source) {
        byte[] image = new byte[3 * 2 * 2];
        java.util.Arrays.fill(image, pixel);
        byte[] seg = new byte[4];
        java.util.Arrays.fill(seg, label);
        return new ShardRecord(id, "cityscapes", "train", 2, 2, 4, 4, image, new SegmentationLabels(seg), source);
    }

    private static String fingerprint(ShardRecord... rows) {
        ShardFingerprint.FileDigest f = new ShardFingerprint.FileDigest();
        for (ShardRecord r : rows) f.add(ShardFingerprint.row(r));
        Map<String, String> splits = new LinkedHashMap<>();
        splits.put("train", ShardFingerprint.split(List.of(f.finish())));
        return ShardFingerprint.shards(splits);
    }

    @Test
    void otherImagesUnderTheSameIdsChangeTheFingerprint() {
        String a = fingerprint(record("s1", (byte) 1, (byte) 0, "/a"), record("s2", (byte) 2, (byte) 0, "/a"));
        assertEquals(a, fingerprint(record("s1", (byte) 1, (byte) 0, "/a"), record("s2", (byte) 2, (byte) 0, "/a")));
        assertFalse(
                a.equals(fingerprint(record("s1", (byte) 1, (byte) 0, "/a"), record("s2", (byte) 3, (byte) 0, "/a"))),
                "one image differs");
        assertFalse(
                a.equals(fingerprint(record("s1", (byte) 1, (byte) 0, "/a"), record("s2", (byte) 2, (byte) 7, "/a"))),
                "one label differs");
        assertFalse(
                a.equals(fingerprint(record("s2", (byte) 2, (byte) 0, "/a"), record("s1", (byte) 1, (byte) 0, "/a"))),
                "row order is part of the content");
        assertEquals(
                a,
                fingerprint(record("s1", (byte) 1, (byte) 0, "/moved"), record("s2", (byte) 2, (byte) 0, "/moved")),
                "moving the dataset does not change it");
    }

    @Test
    void detectionLabelsArePartOfTheRow() {
        ShardRecord a = new ShardRecord(
                "c1",
                "coco",
                "train2017",
                2,
                2,
                4,
                4,
                new byte[12],
                new DetectionLabels(1, new float[] {0, 0, 1, 1}, new int[] {3}, new float[] {4}, new boolean[] {false}),
                "/c");
        ShardRecord b = new ShardRecord(
                "c1",
                "coco",
                "train2017",
                2,
                2,
                4,
                4,
                new byte[12],
                new DetectionLabels(1, new float[] {0, 0, 1, 1}, new int[] {5}, new float[] {4}, new boolean[] {false}),
                "/c");
        assertFalse(java.util.Arrays.equals(ShardFingerprint.row(a), ShardFingerprint.row(b)));
        assertArrayEquals(ShardFingerprint.row(a), ShardFingerprint.row(a));
    }

    /**
     * Row digests of shards written before the labels became a typed value (computed with that
     * code): the labels hash as their Parquet columns, so existing shards keep their fingerprint.
     */
    @Test
    void rowDigestsAreThoseOfTheNullableColumnLayout() {
        byte[] image = new byte[12];
        for (int i = 0; i < image.length; i++) image[i] = (byte) i;
        ShardRecord seg = new ShardRecord(
                "cityscapes/train/a/a_1",
                "cityscapes",
                "train",
                2,
                2,
                4,
                4,
                image,
                new SegmentationLabels(new byte[] {0, 1, (byte) 255, 18}),
                "/a.png");
        ShardRecord det = new ShardRecord(
                "coco/train2017/000000000001",
                "coco",
                "train2017",
                2,
                2,
                4,
                4,
                image,
                new DetectionLabels(
                        1,
                        new float[] {0, 0.5f, 1, 1.25f, 1, 1, 1, 1},
                        new int[] {3, 90},
                        new float[] {4.5f, 2},
                        new boolean[] {false, true}),
                "/c.jpg");
        ShardRecord empty = new ShardRecord(
                "coco/train2017/000000000002",
                "coco",
                "train2017",
                2,
                2,
                4,
                4,
                image,
                new DetectionLabels(2, new float[0], new int[0], new float[0], new boolean[0]),
                "/d.jpg");
        HexFormat hex = HexFormat.of();
        assertEquals(
                "90d48b648364721c5ed5bc8de8d5cd6f805f85c8743119f9c1ca1483687d9bb8",
                hex.formatHex(ShardFingerprint.row(seg)));
        assertEquals(
                "591b52c817264e88dded07d3e03e3cec20faba00909f7835f3c82a96a142a24b",
                hex.formatHex(ShardFingerprint.row(det)));
        assertEquals(
                "ff3a13bd38ac6d05ebb528e4a4ecb09d9a4ae166bf98d19af55ffbe34cf527f6",
                hex.formatHex(ShardFingerprint.row(empty)));
    }
}
