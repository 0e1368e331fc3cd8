package io.distill4j.data.coco;

import io.distill4j.data.CocoObject;
import io.distill4j.data.SourceSample;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists one split of a COCO tree ({@code annotations/instances_{split}.json} and the image directory
 * {@code {split}/}) as source samples that carry their annotations.
 *
 * <p>Every image the JSON lists becomes a sample, also those without annotations (they are
 * negatives for detection). The JSON is streamed without segmentations; the image directory is
 * listed once instead of one existence check per image, which matters on object stores.
 */
public final class CocoLayout {
    public static final String ANNOTATION_DIR = "annotations";

    private static final CocoFormat FORMAT = new CocoFormat();

    private CocoLayout() {}

    /** {@code root/annotations/instances_{split}.json}. */
    public static Path annotationFile(Path root, String split) {
        return new Path(root, ANNOTATION_DIR + "/instances_" + split + ".json");
    }

    /**
     * Lists a split, sorted by sample id ({@code coco/{split}/{file name without extension}}).
     *
     * @throws FileNotFoundException    when the annotation file or the image directory is missing
     * @throws CocoFormatException      when the annotation file is malformed or holds no annotations
     * @throws IllegalArgumentException when an image listed in the JSON is missing on disk
     */
    public static List<SourceSample> list(FileSystem fs, Path root, String split) throws IOException {
        return listing(fs, root, split).samples();
    }

    /** A split's samples together with the annotation file they came from (for its categories). */
    public record Listing(CocoInstances instances, List<SourceSample> samples) {}

    /** Like {@link #list}, keeping the parsed instances so the JSON is read once. */
    public static Listing listing(FileSystem fs, Path root, String split) throws IOException {
        Path json = annotationFile(root, split);
        if (!fs.exists(json)) throw new FileNotFoundException("COCO annotation file " + json + " does not exist");
        Path imageDir = new Path(root, split);
        if (!fs.exists(imageDir)) {
            throw new FileNotFoundException("COCO image directory " + imageDir + " (for " + json + ") does not exist");
        }
        CocoInstances coco = new CocoInstancesReader(false).read(fs, json);
        if (coco.annotationCount() == 0) {
            // Images without objects are fine one by one; a whole split without any is a wrong file.
            throw new CocoFormatException(
                    json.toString(),
                    "holds " + coco.images().size()
                            + " images but no annotations: nothing to train or evaluate on (an image_info file, or the wrong split?)");
        }
        Set<String> present = new HashSet<>();
        for (FileStatus f : fs.listStatus(imageDir))
            if (f.isFile()) present.add(f.getPath().getName());

        List<SourceSample> samples = new ArrayList<>(coco.images().size());
        for (CocoImage image : coco.images()) {
            Path file = new Path(imageDir, image.fileName());
            if (!present.contains(image.fileName())) {
                throw new IllegalArgumentException(
                        "COCO file " + json + " lists image " + image.id() + " but " + file + " is missing");
            }
            List<CocoObject> objects = new ArrayList<>();
            for (CocoAnnotation a : coco.annotationsOf(image.id())) objects.add(a.toObject());
            String sampleId = FORMAT.sampleId(split, image.fileName());
            samples.add(SourceSample.coco(
                    sampleId, split, file.toString(), image.id(), image.height(), image.width(), objects));
        }
        Collections.sort(samples);
        return new Listing(coco, samples);
    }
}
