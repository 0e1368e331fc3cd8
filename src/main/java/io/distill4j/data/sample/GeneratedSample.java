package io.distill4j.data.sample;

import org.apache.hadoop.fs.Path;

/**
 * What {@link SampleDatasetGenerator#generate} wrote.
 *
 * @param cityscapesRoot   root of the Cityscapes tree ({@code leftImg8bit/}, {@code gtFine/})
 * @param cocoRoot         root of the COCO tree ({@code train2017/}, {@code val2017/}, {@code annotations/})
 * @param cityscapesImages images written over both splits
 * @param cocoImages       images written over both splits
 * @param cocoAnnotations  annotations written over both splits, crowd regions included
 * @param cocoCrowdRegions of those, iscrowd = 1 regions (RLE)
 */
public record GeneratedSample(
        Path cityscapesRoot,
        Path cocoRoot,
        int cityscapesImages,
        int cocoImages,
        int cocoAnnotations,
        int cocoCrowdRegions) {}
