package io.distill4j.data;

import java.util.List;
import java.util.Objects;

/**
 * A detection sample's label source: what the COCO instances file says of one image.
 *
 * @param imageId        the image's id in the instances file
 * @param declaredHeight the image height the file declares (checked against the decoded image)
 * @param declaredWidth  the image width the file declares
 * @param objects        the annotations of this image, in file order; empty for an image without any
 */
public record CocoImageAnnotations(long imageId, int declaredHeight, int declaredWidth, List<CocoObject> objects)
        implements SourceLabels {
    private static final long serialVersionUID = 1L;

    public CocoImageAnnotations {
        // List.copyOf makes an immutable, serializable copy.
        objects = List.copyOf(Objects.requireNonNull(objects, "objects"));
    }

    @Override
    public String describe() {
        return "COCO annotations";
    }
}
