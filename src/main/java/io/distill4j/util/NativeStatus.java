package io.distill4j.util;

/**
 * What {@link NativeSetup} found after initialising ND4J: a record so entry points can log it and
 * tests can assert on it.
 *
 * @param nativeLibrary      absolute path of the loaded {@code libnd4jcpu.so}, or "unknown" where
 *                           the process map cannot be read (non-Linux)
 * @param oneDnnBuild        whether that library is an ND4J build with oneDNN
 * @param layerHelpersActive whether DL4J layers created from now on get oneDNN helpers
 * @param threads            OpenMP threads ND4J and oneDNN use now
 */
public record NativeStatus(String nativeLibrary, boolean oneDnnBuild, boolean layerHelpersActive, int threads) {

    @Override
    public String toString() {
        return "ND4J native=" + nativeLibrary + " oneDNN-build=" + oneDnnBuild
                + " dl4j-oneDNN-helpers=" + layerHelpersActive + " threads=" + threads;
    }
}
