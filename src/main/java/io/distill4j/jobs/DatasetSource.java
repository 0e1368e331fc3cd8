package io.distill4j.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.data.DatasetClass;
import io.distill4j.data.DatasetFormat;
import io.distill4j.data.SourceSample;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists a dataset's samples on the driver with its {@link DatasetFormat} (directory walk for
 * Cityscapes, one streaming pass over the annotation JSON for COCO) and describes the classes of the
 * listed splits for the shard manifest and footers.
 */
final class DatasetSource {
    private final DatasetFormat format;
    private final FileSystem fs;
    private final Path root;
    private final List<DatasetFormat.Listing> listed = new ArrayList<>();

    private DatasetSource(DatasetFormat format, FileSystem fs, Path root) {
        this.format = format;
        this.fs = fs;
        this.root = root;
    }

    static DatasetSource open(DatasetFormat format, FileSystem fs, Path root) {
        return new DatasetSource(format, fs, root);
    }

    List<SourceSample> list(String split) {
        try {
            DatasetFormat.Listing listing = format.list(fs, root, split);
            listed.add(listing);
            return listing.samples();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list split '" + split + "' of " + root + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // The layouts' "holds no images", "image without label file", ... messages name the
            // path already; as a stage error they reach the user without a Java class name.
            throw new StageOutputException(e.getMessage(), e);
        }
    }

    /** The classes of the listed splits in training order (the format decides). */
    List<DatasetClass> classes() {
        return format.classes(listed);
    }

    /** {@link #classes()} as the manifest's {@code categories}: index, id, name (and COCO's supercategory). */
    ArrayNode categoriesJson() {
        ArrayNode a = Manifest.JSON.createArrayNode();
        for (DatasetClass c : classes()) {
            ObjectNode o =
                    a.addObject().put("index", c.index()).put("id", c.id()).put("name", c.name());
            if (c.supercategory() != null) o.put("supercategory", c.supercategory());
        }
        return a;
    }
}
