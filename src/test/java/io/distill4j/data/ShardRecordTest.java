package io.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardRecordTest {

    private static ShardRecord coco(byte[] image, float[] boxes) {
        return new ShardRecord(
                "coco/val2017/000000000139",
                "coco",
                "val2017",
                1,
                2,
                10,
                20,
                image,
                null,
                boxes,
                new int[] {18},
                new float[] {12f},
                new boolean[] {false},
                139,
                "file:/c/val2017/000000000139.jpg");
    }

    @Test
    void equalityComparesArrayContents() {
        ShardRecord a = coco(new byte[6], new float[] {1, 2, 3, 4});
        ShardRecord b = coco(new byte[6], new float[] {1, 2, 3, 4});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, coco(new byte[] {0, 0, 0, 0, 0, 1}, new float[] {1, 2, 3, 4}));
        assertNotEquals(a, coco(new byte[6], new float[] {1, 2, 3, 5}));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        byte[] image = new byte[6];
        ShardRecord r = coco(image, new float[] {1, 2, 3, 4});
        image[0] = 9;
        r.image()[1] = 9;
        r.boxes()[0] = 9;
        assertEquals(coco(new byte[6], new float[] {1, 2, 3, 4}), r);
    }

    @Test
    void inconsistentSizesAreRejectedWithTheSampleId() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> coco(new byte[5], new float[4]));
        assertEquals("sample coco/val2017/000000000139: image has 5 bytes, expected 3*1*2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> coco(new byte[6], new float[8]));
    }

    @Test
    void recordAndSourceSampleSurviveJavaSerialization() throws Exception {
        ShardRecord r = coco(new byte[] {1, 2, 3, 4, 5, 6}, new float[] {1, 2, 3, 4});
        assertEquals(r, roundTrip(r));
        SourceSample s = SourceSample.coco(
                "coco/val2017/000000000139",
                "val2017",
                "x.jpg",
                139,
                10,
                20,
                List.of(new CocoObject(1, 18, new float[] {1, 2, 3, 4}, 12f, false)));
        assertEquals(s, roundTrip(s));
    }

    private static Object roundTrip(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
