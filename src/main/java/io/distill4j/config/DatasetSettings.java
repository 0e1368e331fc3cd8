package io.distill4j.config;

import java.util.List;

/** The source dataset: its kind, where it lives (any Hadoop path) and which splits to use. */
public record DatasetSettings(Kind kind, String root, List<String> splits) {
    /** The two supported source layouts. */
    public enum Kind {
        CITYSCAPES,
        COCO;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static DatasetSettings from(Keys k) {
        Kind kind = Kind.valueOf(k.oneOf("kind", "cityscapes", "coco").toUpperCase(java.util.Locale.ROOT));
        List<String> splits = k.strings("splits");
        if (splits.isEmpty()) throw new ConfigException("distill4j.dataset.splits: must name at least one split");
        return new DatasetSettings(kind, k.nonEmpty("root"), splits);
    }
}
