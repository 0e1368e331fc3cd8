package io.distill4j.data;

import java.io.Serializable;

/**
 * Where a listed sample's labels come from, one kind per dataset: a Cityscapes sample names its
 * {@link LabelMapFile}, a COCO sample carries its {@link CocoImageAnnotations} (read from the
 * instances file while listing). The dataset's layout builds the kind and its {@link DatasetFormat}
 * asks the sample for it ({@link SourceSample#labelMap()}, {@link SourceSample#cocoAnnotations()}),
 * getting it or a line naming the sample, never a null or a -1.
 */
public sealed interface SourceLabels extends Serializable permits LabelMapFile, CocoImageAnnotations {

    /** What this kind is, for the line that refuses a sample of the other kind. */
    String describe();
}
