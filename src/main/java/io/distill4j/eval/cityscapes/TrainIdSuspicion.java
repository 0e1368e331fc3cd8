package io.distill4j.eval.cityscapes;

import io.distill4j.data.cityscapes.CityscapesLabels;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Tells predictions written as trainIds (0..18) from the labelIds {@code cityscapes-eval} expects.
 * Scored as labelIds, trainIds give a meaningless mIoU without any error: trainId 2 (building) reads
 * as labelId 2 (rectification border), 10 (sky) as 10 (rail track). A model's labelId predictions
 * hold only evaluated labelIds and 0; trainIds put most pixels on labelIds Cityscapes does not
 * evaluate. So: every value at most 18, and more than {@link #VOID_SHARE} of the pixels on such ids.
 */
final class TrainIdSuspicion {
    /** Share of pixels on unevaluated labelIds 1..18 above which all-small predictions are taken for trainIds. */
    static final double VOID_SHARE = 0.2;

    private final long[] histogram = new long[256];

    /** Adds one prediction's raw values (before any labelId mapping). */
    void add(byte[] predictedValues) {
        for (byte b : predictedValues) histogram[b & 0xFF]++;
    }

    /** The reason the predictions look like trainIds, if they do. */
    Optional<String> verdict() {
        long total = 0, unevaluated = 0;
        TreeSet<Integer> examples = new TreeSet<>();
        for (int v = 0; v < 256; v++) {
            if (histogram[v] == 0) continue;
            if (v >= CityscapesLabels.NUM_CLASSES) return Optional.empty();
            total += histogram[v];
            if (v > 0 && CityscapesLabels.trainId(v) == CityscapesLabels.IGNORE) {
                unevaluated += histogram[v];
                examples.add(v);
            }
        }
        if (total == 0 || unevaluated <= VOID_SHARE * total) return Optional.empty();
        return Optional.of(String.format(
                "the predictions look like trainIds, not labelIds: every value is in 0..%d and "
                        + "%.1f%% of the pixels carry labelIds Cityscapes does not evaluate (%s); write labelIds (trainId -> labelId, "
                        + "as evaluate.export-predictions does)",
                CityscapesLabels.NUM_CLASSES - 1,
                100.0 * unevaluated / total,
                examples.stream().limit(6).map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))));
    }
}
