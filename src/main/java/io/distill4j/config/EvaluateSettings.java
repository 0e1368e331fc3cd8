package io.distill4j.config;

/** Which split evaluate scores, and how many samples its report draws. */
public record EvaluateSettings(String split, int overlays) {
    static EvaluateSettings from(Keys k) {
        return new EvaluateSettings(k.nonEmpty("split"), k.intIn("overlays", 0, 1000));
    }
}
