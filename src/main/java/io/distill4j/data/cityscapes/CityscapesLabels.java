package io.distill4j.data.cityscapes;

import java.util.Arrays;
import java.util.List;

/**
 * The Cityscapes labelId to trainId table (docs/evaluation.md): 19 evaluated classes, everything else 255.
 * Pure data, shared by the shard job, the evaluators and the sample generator.
 */
public final class CityscapesLabels {
    /** The trainId of pixels that are ignored by training and evaluation. */
    public static final int IGNORE = 255;
    /** Number of evaluated classes. */
    public static final int NUM_CLASSES = 19;

    /** Class names in trainId order. */
    public static final List<String> TRAIN_NAMES = List.of(
            "road",
            "sidewalk",
            "building",
            "wall",
            "fence",
            "pole",
            "traffic light",
            "traffic sign",
            "vegetation",
            "terrain",
            "sky",
            "person",
            "rider",
            "car",
            "truck",
            "bus",
            "train",
            "motorcycle",
            "bicycle");

    /** labelId of each trainId, in trainId order. */
    private static final int[] LABEL_IDS = {7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33};

    private static final int[] TO_TRAIN = new int[256];

    static {
        Arrays.fill(TO_TRAIN, IGNORE);
        for (int t = 0; t < LABEL_IDS.length; t++) TO_TRAIN[LABEL_IDS[t]] = t;
    }

    private CityscapesLabels() {}

    /** trainId for a labelId in 0..255; 255 when the label is not evaluated. */
    public static int trainId(int labelId) {
        return TO_TRAIN[labelId & 0xFF];
    }

    /** labelId for a trainId in 0..18 (used to write official-format prediction PNGs). */
    public static int labelId(int trainId) {
        if (trainId < 0 || trainId >= NUM_CLASSES) {
            throw new IllegalArgumentException("trainId must be in 0.." + (NUM_CLASSES - 1) + ", got " + trainId);
        }
        return LABEL_IDS[trainId];
    }

    /** The largest labelId of the Cityscapes label table; larger values are no Cityscapes label. */
    public static final int MAX_LABEL_ID = 33;

    /**
     * The values above {@link #MAX_LABEL_ID} in a labelId map, ascending, with their pixel counts
     * (empty for a clean map). {@link #toTrainIds} turns them into ignore like any unevaluated label,
     * so without this check a map of another label table would train as mostly ignore, silently.
     */
    public static java.util.SortedMap<Integer, Long> outsideTable(byte[] labelIds) {
        long[] px = new long[256];
        for (byte b : labelIds) px[b & 0xFF]++;
        java.util.SortedMap<Integer, Long> out = new java.util.TreeMap<>();
        for (int v = MAX_LABEL_ID + 1; v < 256; v++) if (px[v] > 0) out.put(v, px[v]);
        return out;
    }

    /** Maps a buffer of labelIds to trainIds in place. */
    public static void toTrainIds(byte[] labels) {
        for (int i = 0; i < labels.length; i++) labels[i] = (byte) TO_TRAIN[labels[i] & 0xFF];
    }
}
