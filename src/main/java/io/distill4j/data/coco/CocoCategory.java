package io.distill4j.data.coco;

import java.io.Serializable;

/** One entry of {@code categories}; ids are not contiguous (COCO's 80 classes use ids 1..90). */
public record CocoCategory(int id, String name, String supercategory) implements Serializable {}
