package io.distill4j.config;

/**
 * Which split evaluate scores, how many samples its report draws, whether it exports the
 * predictions in the official formats, and how detections are decoded.
 *
 * @param split              the shard split scored
 * @param overlays           samples drawn as pictures in the report
 * @param exportPredictions  segmentation: also write Cityscapes labelId PNGs under report/predictions/
 * @param maxDetections      detection: most detections kept per image (top-K over all classes)
 * @param scoreThreshold     detection: lowest score a kept detection has
 */
public record EvaluateSettings(
        String split, int overlays, boolean exportPredictions, int maxDetections, double scoreThreshold) {
    static EvaluateSettings from(Keys k) {
        return new EvaluateSettings(
                k.nonEmpty("split"),
                k.intIn("overlays", 0, 1000),
                k.bool("export-predictions"),
                k.intIn("max-detections", 1, 10_000),
                k.doubleIn("score-threshold", 0.0, 1.0));
    }
}
