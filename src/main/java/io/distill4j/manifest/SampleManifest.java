package io.distill4j.manifest;

import java.util.Map;

/**
 * {@code sample/_manifest.json}, written by generate-sample (no Spark, no ND4J: its provenance
 * records "none" for both).
 *
 * @param count images per dataset ({@code cityscapes}, {@code coco})
 */
public record SampleManifest(
        String stage,
        String created,
        Provenance provenance,
        long seed,
        Map<String, Long> count,
        long cocoAnnotations,
        long cocoCrowdRegions)
        implements StageManifest {
    public static final String STAGE = "generate-sample";
}
