package io.distill4j.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.distill4j.config.DatasetSettings;
import io.distill4j.data.SourceSample;
import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.data.cityscapes.CityscapesLayout;
import io.distill4j.data.coco.CocoCategory;
import io.distill4j.data.coco.CocoLayout;
import io.distill4j.storage.Manifest;
import io.distill4j.storage.StageOutputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists a dataset's samples on the driver (directory walk for Cityscapes, one streaming pass over
 * the annotation JSON for COCO) and describes its classes for the shard manifest.
 */
final class DatasetSource {
    private final DatasetSettings.Kind kind;
    private final FileSystem fs;
    private final Path root;
    private final Map<Integer, CocoCategory> cocoCategories = new LinkedHashMap<>();

    private DatasetSource(DatasetSettings.Kind kind, FileSystem fs, Path root) {
        this.kind = kind;
        this.fs = fs;
        this.root = root;
    }

    static DatasetSource open(DatasetSettings.Kind kind, FileSystem fs, Path root) {
        return new DatasetSource(kind, fs, root);
    }

    List<SourceSample> list(String split) {
        try {
            if (kind == DatasetSettings.Kind.CITYSCAPES) return CityscapesLayout.list(fs, root, split);
            CocoLayout.Listing listing = CocoLayout.listing(fs, root, split);
            for (CocoCategory c : listing.instances().categories()) cocoCategories.putIfAbsent(c.id(), c);
            return listing.samples();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list split '" + split + "' of " + root + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // The layouts' "holds no images", "image without label file", ... messages name the
            // path already; as a stage error they reach the user without a Java class name.
            throw new StageOutputException(e.getMessage(), e);
        }
    }

    /** Classes in training order: Cityscapes trainIds, or COCO categories with their contiguous index. */
    ArrayNode categoriesJson() {
        ArrayNode a = Manifest.JSON.createArrayNode();
        if (kind == DatasetSettings.Kind.CITYSCAPES) {
            for (int t = 0; t < CityscapesLabels.NUM_CLASSES; t++) {
                a.addObject()
                        .put("index", t)
                        .put("id", CityscapesLabels.labelId(t))
                        .put("name", CityscapesLabels.TRAIN_NAMES.get(t));
            }
        } else {
            List<CocoCategory> cats = new ArrayList<>(cocoCategories.values());
            cats.sort(java.util.Comparator.comparingInt(CocoCategory::id));
            for (int i = 0; i < cats.size(); i++) {
                a.addObject()
                        .put("index", i)
                        .put("id", cats.get(i).id())
                        .put("name", cats.get(i).name())
                        .put("supercategory", cats.get(i).supercategory());
            }
        }
        return a;
    }
}
