package io.distill4j.util;

import java.util.Optional;

/**
 * A DL4J stage's off-heap estimate ({@link OffHeapEstimate}) is more than one task has
 * ({@link OffHeapBudget}): the one line saying so, with what to raise or lower. Thrown before the
 * stage writes anything when {@link MemoryCheck} says to stop, printed otherwise.
 */
public final class OffHeapShortfall extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The configuration key of the check, named in the line so a user who knows better can proceed. */
    public static final String KEY = "distill4j.spark.memory-check";

    private OffHeapShortfall(String line) {
        super(line);
    }

    /**
     * The shortfall of {@code stage}, empty when {@code need} fits.
     *
     * @param need     {@link OffHeapEstimate#need} for the stage's models, input and batch
     * @param workload what the estimate is of (e.g. "training batch 8 at 512x1024")
     * @param batchKey the key of the stage's batch size
     */
    public static Optional<OffHeapShortfall> of(
            String stage, long need, OffHeapBudget budget, String workload, String batchKey) {
        if (need <= budget.bytesPerTask()) return Optional.empty();
        return Optional.of(new OffHeapShortfall(stage + " needs about " + OffHeapEstimate.size(need)
                + " outside the Java heap per task (" + workload + ", docs/performance.md section 15) but has "
                + OffHeapEstimate.size(budget.bytesPerTask()) + ": " + budget.source() + "; " + budget.raise(need)
                + ", or lower " + batchKey + ", or set " + KEY + "=warn to run anyway"));
    }
}
