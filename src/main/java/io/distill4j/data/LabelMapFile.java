package io.distill4j.data;

import java.util.Objects;

/**
 * A segmentation sample's label source: the labelIds PNG beside its image, read when the image is
 * decoded (its size is known only then).
 *
 * @param uri the label map file (a Hadoop path string)
 */
public record LabelMapFile(String uri) implements SourceLabels {
    private static final long serialVersionUID = 1L;

    public LabelMapFile {
        Objects.requireNonNull(uri, "uri");
    }

    @Override
    public String describe() {
        return "a label map file";
    }
}
