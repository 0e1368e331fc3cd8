package io.distill4j.data.cityscapes;

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
 * Lists one split of a Cityscapes tree: every
 * {@code leftImg8bit/{split}/{city}/{city}_{seq}_{frame}_leftImg8bit.png} paired with its
 * {@code gtFine/{split}/{city}/{city}_{seq}_{frame}_gtFine_labelIds.png}.
 *
 * <p>Costs one directory listing per city plus one per city of {@code gtFine} (no per-file
 * existence checks), which matters on object stores.
 */
public final class CityscapesLayout {
    public static final String IMAGE_DIR = "leftImg8bit";
    public static final String LABEL_DIR = "gtFine";
    public static final String IMAGE_SUFFIX = "_leftImg8bit.png";
    public static final String LABEL_SUFFIX = "_gtFine_labelIds.png";

    private static final CityscapesFormat FORMAT = new CityscapesFormat();

    private CityscapesLayout() {}

    /** The label file that belongs to an image stem ({@code city_seq_frame}). */
    public static Path labelPath(Path root, String split, String city, String stem) {
        return new Path(root, LABEL_DIR + "/" + split + "/" + city + "/" + stem + LABEL_SUFFIX);
    }

    /** The image file of an image stem ({@code city_seq_frame}). */
    public static Path imagePath(Path root, String split, String city, String stem) {
        return new Path(root, IMAGE_DIR + "/" + split + "/" + city + "/" + stem + IMAGE_SUFFIX);
    }

    /**
     * Lists a split, sorted by sample id.
     *
     * @throws IOException              when listing fails or the split directory does not exist
     * @throws IllegalArgumentException when the split holds no images, an image has no label file, or
     *                                  an image name does not follow the Cityscapes pattern
     */
    public static List<SourceSample> list(FileSystem fs, Path root, String split) throws IOException {
        Path splitDir = new Path(root, IMAGE_DIR + "/" + split);
        if (!fs.exists(splitDir)) {
            throw new FileNotFoundException("Cityscapes split directory " + splitDir + " does not exist");
        }
        List<SourceSample> samples = new ArrayList<>();
        for (FileStatus cityDir : fs.listStatus(splitDir)) {
            if (!cityDir.isDirectory()) continue;
            String city = cityDir.getPath().getName();
            Set<String> labels = labelNames(fs, root, split, city);
            for (FileStatus file : fs.listStatus(cityDir.getPath())) {
                String name = file.getPath().getName();
                if (!file.isFile() || !name.endsWith(IMAGE_SUFFIX)) continue;
                String stem = name.substring(0, name.length() - IMAGE_SUFFIX.length());
                if (!stem.startsWith(city + "_") || stem.split("_").length < 3) {
                    throw new IllegalArgumentException("Cityscapes image " + file.getPath()
                            + " does not match {city}_{seq}_{frame}" + IMAGE_SUFFIX + " for city " + city);
                }
                Path label = labelPath(root, split, city, stem);
                if (!labels.contains(label.getName())) {
                    throw new IllegalArgumentException(
                            "Cityscapes image " + file.getPath() + " has no label file: expected " + label);
                }
                String sampleId = FORMAT.sampleId(split, city + "/" + name);
                samples.add(
                        SourceSample.cityscapes(sampleId, split, file.getPath().toString(), label.toString()));
            }
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(
                    "Cityscapes split directory " + splitDir + " holds no *" + IMAGE_SUFFIX + " images");
        }
        Collections.sort(samples);
        return samples;
    }

    private static Set<String> labelNames(FileSystem fs, Path root, String split, String city) throws IOException {
        Path dir = new Path(root, LABEL_DIR + "/" + split + "/" + city);
        Set<String> names = new HashSet<>();
        if (!fs.exists(dir)) return names;
        for (FileStatus f : fs.listStatus(dir)) names.add(f.getPath().getName());
        return names;
    }
}
