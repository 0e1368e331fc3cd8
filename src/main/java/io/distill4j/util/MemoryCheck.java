package io.distill4j.util;

/**
 * What {@code distill4j.spark.memory-check} does when a DL4J stage's off-heap estimate exceeds what a
 * task has ({@link OffHeapShortfall}): stop the stage before it writes anything, print the line and
 * run, or not look.
 */
public enum MemoryCheck {
    /**
     * Stop on a cluster master, print the line with a local one: a cluster's overhead is a fixed
     * budget the container is killed past, while MemAvailable is a moment's reading of a machine
     * other processes share (and can swap or reclaim).
     */
    AUTO,
    FAIL,
    WARN,
    OFF;

    /** Whether a shortfall stops the stage, on a cluster master ({@code cluster}) or a local one. */
    public boolean stops(boolean cluster) {
        return this == FAIL || (this == AUTO && cluster);
    }
}
