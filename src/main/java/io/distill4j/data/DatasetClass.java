package io.distill4j.data;

/**
 * One class of a dataset as the shard manifest lists it.
 *
 * @param index         the label value (Cityscapes trainId) or heatmap channel (contiguous COCO index)
 * @param id            the dataset's own id (Cityscapes labelId, COCO category id)
 * @param name          the class name
 * @param supercategory COCO's supercategory; null for datasets without one (the manifest then has no such field)
 */
public record DatasetClass(int index, int id, String name, String supercategory) {}
