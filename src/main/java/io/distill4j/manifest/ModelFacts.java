package io.distill4j.manifest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a trained model's manifest says about the task it was built for; copied into the teacher
 * and run manifests (their fields {@code task}, {@code dataset}, {@code num_classes}, ...).
 *
 * @param categories detection only: {@code [{"index": i, "id": COCO id}]}; null for segmentation
 */
public record ModelFacts(
        String task,
        String dataset,
        int numClasses,
        int outputStride,
        String heatmapVertex,
        String regVertex,
        JsonNode categories) {}
