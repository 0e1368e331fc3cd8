/**
 * The typed {@code _manifest.json} of every stage output, shared by the stage that writes it and
 * the stages that read it, with the provenance each one carries (build, runtime, inputs'
 * fingerprints, the settings that decide the output) and the checks that tie a consumer to the
 * exact inputs it was made from. The schema per stage is in docs/manifests.md.
 */
package io.distill4j.manifest;
