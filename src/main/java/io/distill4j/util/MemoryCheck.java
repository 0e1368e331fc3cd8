package io.distill4j.util;

/**
 * What {@code distill4j.spark.memory-check} does when a DL4J stage's off-heap estimate exceeds what a
 * task has ({@link OffHeapShortfall}): stop the stage before it writes anything, print the line and
 * run, or not look.
 */
public enum MemoryCheck {
    /**
     * Stop where the budget is enforced (YARN, Kubernetes: a container is killed past heap plus
     * overhead), print the line elsewhere: a standalone master does not enforce the overhead, and a
     * local master's MemAvailable is a moment's reading of a machine other processes share (and can
     * swap or reclaim).
     */
    AUTO,
    FAIL,
    WARN,
    OFF;

    /** Whether a shortfall stops the stage, where the budget is {@code enforced} or not ({@link OffHeapBudget#enforced}). */
    public boolean stops(boolean enforced) {
        return this == FAIL || (this == AUTO && enforced);
    }
}
