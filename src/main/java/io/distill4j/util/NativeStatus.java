package io.distill4j.util;

/**
 * What {@link NativeSetup} found after initialising ND4J: a record so entry points can log it and
 * tests can assert on it; serializable so Spark tasks can report theirs.
 *
 * @param nativeLibrary      absolute path of the loaded {@code libnd4jcpu.so}, or "unknown" where
 *                           the process map cannot be read (non-Linux)
 * @param oneDnnBuild        whether that library is an ND4J build with oneDNN
 * @param layerHelpersActive whether DL4J layers created from now on get oneDNN helpers
 * @param threads            OpenMP threads oneDNN and libnd4j use for ops run by the calling thread
 * @param opThreads          libnd4j's process-wide per-op thread count (maxMasterThreads)
 * @param blasThreads        OpenBLAS's process-wide thread count
 */
public record NativeStatus(
        String nativeLibrary,
        boolean oneDnnBuild,
        boolean layerHelpersActive,
        int threads,
        int opThreads,
        int blasThreads)
        implements java.io.Serializable {

    @Override
    public String toString() {
        return "ND4J native=" + nativeLibrary + " oneDNN-build=" + oneDnnBuild
                + " dl4j-oneDNN-helpers=" + layerHelpersActive + " threads=" + threads
                + " op-threads=" + opThreads + " blas-threads=" + blasThreads;
    }
}
