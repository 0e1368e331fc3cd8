package io.distill4j.data.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CocoPolygonsTest {

    @Test
    void axisAlignedSquareCoversThePixelsWhoseCentresItContains() {
        byte[] mask = CocoPolygons.rasterize(List.of(new double[] {1, 1, 3, 1, 3, 3, 1, 3}), 4, 5);
        assertArrayEquals(
                new byte[] {
                    0, 0, 0, 0, 0,
                    0, 1, 1, 0, 0,
                    0, 1, 1, 0, 0,
                    0, 0, 0, 0, 0
                },
                mask);
    }

    @Test
    void rightTriangleFillsTheStaircaseBelowItsHypotenuse() {
        // Row y spans x in [0, 4 - (y + 0.5)): 3, 2, 1, 0 pixel centres.
        byte[] mask = CocoPolygons.rasterize(List.of(new double[] {0, 0, 4, 0, 0, 4}), 4, 4);
        assertArrayEquals(
                new byte[] {
                    1, 1, 1, 0,
                    1, 1, 0, 0,
                    1, 0, 0, 0,
                    0, 0, 0, 0
                },
                mask);
        assertEquals(6, CocoPolygons.area(List.of(new double[] {0, 0, 4, 0, 0, 4}), 4, 4));
    }

    @Test
    void severalPolygonsAreUnitedAndClippedToTheImage() {
        List<double[]> parts =
                List.of(new double[] {0, 0, 2, 0, 2, 2, 0, 2}, new double[] {1, 1, 3, 1, 3, 2, 1, 2}, new double[] {
                    2.4, 2.2, 9, 2.2, 9, 9, 2.4, 9
                });
        byte[] mask = CocoPolygons.rasterize(parts, 3, 3);
        assertArrayEquals(
                new byte[] {
                    1, 1, 0,
                    1, 1, 1,
                    0, 0, 1
                },
                mask);
    }

    @Test
    void concavePolygonFillsSeveralSpansPerRow() {
        // An arch: a full top bar and two legs; rows 1 and 2 cross four edges, two spans each.
        byte[] mask =
                CocoPolygons.rasterize(List.of(new double[] {0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3}), 3, 3);
        assertArrayEquals(
                new byte[] {
                    1, 1, 1,
                    1, 0, 1,
                    1, 0, 1
                },
                mask);
    }

    @Test
    void degeneratePolygonsAreEmpty() {
        assertEquals(0, CocoPolygons.area(List.of(new double[] {1, 1, 3, 3}), 4, 4));
        assertEquals(0, CocoPolygons.area(List.of(new double[] {1, 1, 3, 1, 2, 1}), 4, 4));
    }
}
