package io.distill4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Turns a {@link SourceSample} into a {@link ShardRecord}: reads the image through Hadoop, decodes it,
 * resizes it to a fixed size, and leaves the labels to the sample's {@link DatasetFormat} (Cityscapes
 * maps labelIds to trainIds, COCO rescales boxes).
 *
 * <p>The resize stretches to exactly {@code targetHeight x targetWidth} (no letterbox, no crop).
 *
 * <p>Input that cannot make a valid record throws {@link BadSampleException} naming the sample and
 * file; a failing read (network, permissions) is an {@link UncheckedIOException}, not a bad sample.
 */
public final class SampleDecoder {

    private SampleDecoder() {}

    /** Decodes and resizes one sample of {@code format}. */
    public static ShardRecord decode(
            DatasetFormat format, SourceSample s, FileSystem fs, int targetHeight, int targetWidth) {
        return decode(format, s, fs, targetHeight, targetWidth, new ArrayList<>());
    }

    /** Decodes and resizes one sample, adding to {@code warnings} what looks like a mistake but can be trained on. */
    public static ShardRecord decode(
            DatasetFormat format,
            SourceSample s,
            FileSystem fs,
            int targetHeight,
            int targetWidth,
            List<SampleWarning> warnings) {
        if (targetHeight <= 0 || targetWidth <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + targetHeight + "x" + targetWidth);
        }
        if (!format.id().equals(s.dataset())) {
            throw new IllegalArgumentException(
                    "sample " + s.sampleId() + " is " + s.dataset() + ", not " + format.id());
        }
        ChwImage image = decodeImage(s, read(s, fs, s.imageUri()));
        ChwImage resized = ImageOps.resizeBilinear(image, targetHeight, targetWidth);
        return format.record(s, fs, image, resized, warnings);
    }

    private static ChwImage decodeImage(SourceSample s, byte[] bytes) {
        try {
            return ImageOps.decodeRgb(bytes);
        } catch (IllegalArgumentException e) {
            throw new BadSampleException(s.sampleId(), s.imageUri(), "cannot decode image: " + e.getMessage(), e);
        }
    }

    /** Reads one file of a sample; a failing read is an {@link UncheckedIOException} naming the sample. */
    public static byte[] read(SourceSample s, FileSystem fs, String uri) {
        try {
            return DataFiles.readAll(fs, new Path(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("sample " + s.sampleId() + ": cannot read " + uri, e);
        }
    }
}
