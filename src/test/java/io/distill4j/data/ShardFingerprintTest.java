package io.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
        return new ShardRecord(id, "cityscapes", "train", 2, 2, 4, 4, image, seg, null, null, null, null, -1, source);
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
                null,
                new float[] {0, 0, 1, 1},
                new int[] {3},
                new float[] {4},
                new boolean[] {false},
                1,
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
                null,
                new float[] {0, 0, 1, 1},
                new int[] {5},
                new float[] {4},
                new boolean[] {false},
                1,
                "/c");
        assertFalse(java.util.Arrays.equals(ShardFingerprint.row(a), ShardFingerprint.row(b)));
        assertArrayEquals(ShardFingerprint.row(a), ShardFingerprint.row(a));
    }
}
