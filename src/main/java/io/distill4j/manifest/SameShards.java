package io.distill4j.manifest;

import io.distill4j.storage.StageOutputException;

/**
 * Ties a consumed output (a teacher cache, a trained model) to the shards it was computed on: a
 * stage refuses it when the shards it reads now have another content fingerprint, e.g. after
 * {@code shard --overwrite} put other images under the same sample ids.
 */
public final class SameShards {
    private SameShards() {}

    /**
     * @param what        what is consumed, e.g. "teacher cache"
     * @param dir         its directory
     * @param recorded    the shards it recorded (null when it records none)
     * @param shardsPath  the shards the stage reads now
     * @param fingerprint their content fingerprint
     * @param remedy      what to do, ending the line
     * @return false when the output records no shards (a model made elsewhere or by an older
     *         distill4j): the caller decides whether to go on
     * @throws StageOutputException naming both fingerprints and both paths when they differ
     */
    public static boolean check(
            String stage,
            String what,
            String dir,
            InputRef recorded,
            String shardsPath,
            String fingerprint,
            String remedy) {
        if (recorded == null || recorded.fingerprint() == null) return false;
        if (!recorded.fingerprint().equals(fingerprint)) {
            throw new StageOutputException(stage + ": " + what + " " + dir + " was made from shards " + recorded.path()
                    + " with content fingerprint " + recorded.fingerprint() + ", but the shards at " + shardsPath
                    + " have fingerprint " + fingerprint + " (resharded with other images?); " + remedy);
        }
        return true;
    }
}
