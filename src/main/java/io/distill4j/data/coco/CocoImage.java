package io.distill4j.data.coco;

import java.io.Serializable;

/** One entry of {@code images}: id, file name (relative to the split directory) and declared size. */
public record CocoImage(long id, String fileName, int height, int width) implements Serializable {}
