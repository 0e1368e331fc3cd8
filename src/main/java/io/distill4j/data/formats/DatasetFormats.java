package io.distill4j.data.formats;

import io.distill4j.data.DatasetFormat;
import io.distill4j.data.SampleDecoder;
import io.distill4j.data.SampleWarning;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.SourceSample;
import io.distill4j.data.cityscapes.CityscapesFormat;
import io.distill4j.data.coco.CocoFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;

/** The dataset formats distill4j reads, and their look-up by id (the shards' {@code dataset}). */
public final class DatasetFormats {
    private DatasetFormats() {}

    /** Every format; adding a dataset is a class implementing {@link DatasetFormat} and a line here. */
    public static final List<DatasetFormat> ALL = List.of(new CityscapesFormat(), new CocoFormat());

    /** The ids of {@link #ALL}, in its order. */
    public static List<String> ids() {
        return ALL.stream().map(DatasetFormat::id).toList();
    }

    /**
     * The format with this id.
     *
     * @throws IllegalArgumentException for an id no format has, naming the known ones
     */
    public static DatasetFormat of(String id) {
        for (DatasetFormat f : ALL) if (f.id().equals(id)) return f;
        throw new IllegalArgumentException("unknown dataset '" + id + "': distill4j reads "
                + ALL.stream().map(DatasetFormat::id).collect(Collectors.joining(", ")));
    }

    /** Decodes a sample with its own dataset's format ({@link SampleDecoder}). */
    public static ShardRecord decode(SourceSample s, FileSystem fs, int targetHeight, int targetWidth) {
        return decode(s, fs, targetHeight, targetWidth, new ArrayList<>());
    }

    /** Decodes a sample with its own dataset's format, adding its warnings ({@link SampleDecoder}). */
    public static ShardRecord decode(
            SourceSample s, FileSystem fs, int targetHeight, int targetWidth, List<SampleWarning> warnings) {
        return SampleDecoder.decode(of(s.dataset()), s, fs, targetHeight, targetWidth, warnings);
    }
}
