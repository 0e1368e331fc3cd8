package io.distill4j.eval.cityscapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelIdPredictionsTest {
    @TempDir
    Path tmp;

    @Test
    void predictionIsNamedAfterItsSourceImage() {
        assertEquals(
                "aachen_000000_000019_leftImg8bit.png",
                LabelIdPredictions.fileName(
                        "s3a://bucket/cityscapes/leftImg8bit/val/aachen/aachen_000000_000019_leftImg8bit.png"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LabelIdPredictions.fileName("file:/coco/val2017/000000000139.jpg"));
        assertTrue(e.getMessage().contains("000000000139.jpg"), e.getMessage());
    }

    @Test
    void trainIdsBecomeLabelIdsUpsampledByNearestNeighbour() {
        // trainIds road(0) car(13) / ignore(255) bicycle(18) at 2x2 -> labelIds 7 26 / 0 33 at 4x6
        byte[] out = LabelIdPredictions.labelIds(new byte[] {0, 13, (byte) 255, 18}, 2, 2, 4, 6);
        byte[] expected = {
            7, 7, 7, 26, 26, 26,
            7, 7, 7, 26, 26, 26,
            0, 0, 0, 33, 33, 33,
            0, 0, 0, 33, 33, 33
        };
        assertArrayEquals(expected, out);
    }

    @Test
    void encodedPngReadsBackAsTheSameLabels() throws Exception {
        byte[] labels = LabelIdPredictions.labelIds(new byte[] {0, 1, 2, 10, 11, 12}, 2, 3, 5, 7);
        Path file = tmp.resolve("x_000000_000001_leftImg8bit.png");
        Files.write(file, LabelPng.encode(7, 5, labels));
        LabelPng.Labels back = LabelPng.read(file);
        assertEquals(7, back.width());
        assertEquals(5, back.height());
        assertArrayEquals(labels, back.values());
    }
}
