package io.distill4j.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One source dataset's format: everything the shard stage does differently for Cityscapes and COCO.
 * A format walks a split of its source layout into {@link SourceSample}s, names its samples, turns a
 * sample's labels (a labelId map, or annotated boxes) into the {@link SampleLabels} of a {@link ShardRecord},
 * and says which classes the shards hold. Formats are stateless; the list of them is
 * {@code io.distill4j.data.formats.DatasetFormats.ALL}, looked up by {@link #id()}.
 *
 * <p>This interface lives in {@code data} and its implementations in the dataset's own package
 * ({@code data.cityscapes}, {@code data.coco}), so {@code data} depends on neither of them.
 */
public interface DatasetFormat extends Serializable {

    /**
     * The dataset as the shards record it: {@code dataset.kind} in the configuration, the
     * {@code dataset} column and manifest field, and the first element of every sample id.
     */
    String id();

    /**
     * Lists one split, sorted by sample id, with the classes it declares.
     *
     * @throws IOException              when listing fails or a file the layout needs is missing
     * @throws IllegalArgumentException when the layout is broken (the message names the path)
     */
    Listing list(FileSystem fs, Path root, String split) throws IOException;

    /** The samples of one split and the classes the split declares. */
    record Listing(List<SourceSample> samples, List<DatasetClass> classes) {
        public Listing {
            samples = List.copyOf(samples);
            classes = List.copyOf(classes);
        }
    }

    /**
     * The classes of the shards written from {@code splits}, in training order ({@link DatasetClass#index()}
     * is the label value or heatmap channel).
     */
    List<DatasetClass> classes(List<Listing> splits);

    /**
     * The sample id of an image: {@code {id}/{split}/{image path under the split's image directory,
     * without the dataset's image suffix}}, e.g. {@code cityscapes/train/aachen/aachen_000000_000019}
     * or {@code coco/val2017/000000000139}. Stable across runs: it keys the teacher cache and the views.
     */
    String sampleId(String split, String imagePath);

    /**
     * Adds one record's share of the shard manifest's {@code class_histogram} to {@code histogram}:
     * pixels per label value (Cityscapes trainIds, 255 = ignore) or objects per category id (COCO).
     */
    void countClasses(ShardRecord r, Map<Integer, Long> histogram);

    /**
     * The shard record of a sample whose image is decoded: the format reads and checks its labels
     * and builds the record's labels of its own kind.
     *
     * @param image    the decoded source image
     * @param resized  the image resized to the shards' size
     * @param warnings where what looks like a mistake but can be trained on is added
     * @throws BadSampleException when the labels cannot make a valid record
     */
    ShardRecord record(SourceSample s, FileSystem fs, ChwImage image, ChwImage resized, List<SampleWarning> warnings);
}
