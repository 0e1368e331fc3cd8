package io.distill4j.manifest;

/** What every stage's {@code _manifest.json} holds besides its own fields. */
public interface StageManifest {
    /** The stage that wrote it: shard, train-teacher, cache-teacher, distill. */
    String stage();

    /** When the manifest was written (ISO-8601). */
    String created();

    Provenance provenance();
}
