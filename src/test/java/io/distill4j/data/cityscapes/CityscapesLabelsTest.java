package io.distill4j.data.cityscapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CityscapesLabelsTest {

    /** docs/evaluation.md's table, written out again: {labelId, trainId, name}. */
    private static final Object[][] TABLE = {
        {7, 0, "road"},
        {8, 1, "sidewalk"},
        {11, 2, "building"},
        {12, 3, "wall"},
        {13, 4, "fence"},
        {17, 5, "pole"},
        {19, 6, "traffic light"},
        {20, 7, "traffic sign"},
        {21, 8, "vegetation"},
        {22, 9, "terrain"},
        {23, 10, "sky"},
        {24, 11, "person"},
        {25, 12, "rider"},
        {26, 13, "car"},
        {27, 14, "truck"},
        {28, 15, "bus"},
        {31, 16, "train"},
        {32, 17, "motorcycle"},
        {33, 18, "bicycle"}
    };

    @Test
    void everyEvaluatedLabelIdMapsToItsTrainIdAndBack() {
        assertEquals(19, TABLE.length);
        for (Object[] row : TABLE) {
            int labelId = (Integer) row[0], trainId = (Integer) row[1];
            assertEquals(trainId, CityscapesLabels.trainId(labelId), "labelId " + labelId);
            assertEquals(labelId, CityscapesLabels.labelId(trainId), "trainId " + trainId);
            assertEquals(row[2], CityscapesLabels.TRAIN_NAMES.get(trainId));
        }
    }

    @Test
    void nonEvaluatedLabelIdsAreIgnored() {
        // unlabeled, ego vehicle, rectification border, out of roi, static, dynamic, ground, parking,
        // rail track, guard rail, bridge, tunnel, polegroup, caravan, trailer, license plate (-1 as 255).
        int[] ignored = {0, 1, 2, 3, 4, 5, 6, 9, 10, 14, 15, 16, 18, 29, 30, 34, 255};
        for (int id : ignored) assertEquals(255, CityscapesLabels.trainId(id), "labelId " + id);
    }

    @Test
    void bufferMappingIsInPlace() {
        byte[] labels = {7, 26, 0, 4, 33, (byte) 255};
        CityscapesLabels.toTrainIds(labels);
        assertArrayEquals(new byte[] {0, 13, (byte) 255, (byte) 255, 18, (byte) 255}, labels);
    }
}
