package io.distill4j.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * {@code shards/_manifest.json}.
 *
 * @param count             rows per split, in split order
 * @param classHistogram    per split: pixels per trainId (segmentation) or objects per category id
 * @param categories        the dataset's categories (detection; an empty array for Cityscapes)
 * @param warnings          samples sharded as they are but looking like a mistake (e.g. label ids outside
 *                          the label table); empty when clean, null when written before warnings were recorded
 * @param fingerprint       content fingerprint of all splits (data.ShardFingerprint); null when
 *                          written by a distill4j before 0.1 recorded it
 * @param splitFingerprints content fingerprint per split
 */
public record ShardManifest(
        String stage,
        String created,
        Provenance provenance,
        String dataset,
        String source,
        String imageFormat,
        int height,
        int width,
        int numShards,
        String compression,
        Map<String, Long> count,
        Map<String, Map<String, Long>> classHistogram,
        JsonNode categories,
        List<SkippedSample> skipped,
        List<WarnedSample> warnings,
        String fingerprint,
        Map<String, String> splitFingerprints)
        implements StageManifest {
    public static final String STAGE = "shard";

    public ShardManifest {
        categories = Manifests.orNull(categories);
    }

    /** A sample left out under {@code shard.on-bad-sample = skip}. */
    public record SkippedSample(String sampleId, String file, String reason) {}

    /** A sample sharded as it is that looks like a mistake. */
    public record WarnedSample(String sampleId, String file, String warning) {}
}
