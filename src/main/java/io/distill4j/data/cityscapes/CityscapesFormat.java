package io.distill4j.data.cityscapes;

import io.distill4j.data.BadSampleException;
import io.distill4j.data.ChwImage;
import io.distill4j.data.DatasetClass;
import io.distill4j.data.DatasetFormat;
import io.distill4j.data.ImageOps;
import io.distill4j.data.SampleDecoder;
import io.distill4j.data.SampleWarning;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.SourceSample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Cityscapes: {@code leftImg8bit} images paired with {@code gtFine_labelIds} maps
 * ({@link CityscapesLayout}), labelIds mapped to the 19 trainIds of {@link CityscapesLabels}.
 */
public final class CityscapesFormat implements DatasetFormat {
    private static final long serialVersionUID = 1L;

    /** The shards' {@code dataset} value. */
    public static final String ID = SourceSample.CITYSCAPES;

    private static final List<DatasetClass> CLASSES = classList();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Listing list(FileSystem fs, Path root, String split) throws IOException {
        return new Listing(CityscapesLayout.list(fs, root, split), CLASSES);
    }

    /** The 19 evaluated classes in trainId order, whatever the splits. */
    @Override
    public List<DatasetClass> classes(List<Listing> splits) {
        return CLASSES;
    }

    /** {@code cityscapes/{split}/{city}/{city}_{seq}_{frame}} for {@code {city}/{stem}_leftImg8bit.png}. */
    @Override
    public String sampleId(String split, String imagePath) {
        String stem = imagePath.endsWith(CityscapesLayout.IMAGE_SUFFIX)
                ? imagePath.substring(0, imagePath.length() - CityscapesLayout.IMAGE_SUFFIX.length())
                : imagePath;
        return ID + "/" + split + "/" + stem;
    }

    /** Pixels per trainId (255 = ignore). */
    @Override
    public void countClasses(ShardRecord r, Map<Integer, Long> histogram) {
        long[] px = new long[256];
        for (byte b : r.segmentation().trainIds()) px[b & 0xFF]++;
        for (int i = 0; i < 256; i++) if (px[i] > 0) histogram.merge(i, px[i], Long::sum);
    }

    @Override
    public ShardRecord record(
            SourceSample s, FileSystem fs, ChwImage image, ChwImage resized, List<SampleWarning> warnings) {
        byte[] seg = decodeLabels(s, fs, image, resized.height(), resized.width(), warnings);
        return new ShardRecord(
                s.sampleId(),
                s.dataset(),
                s.split(),
                resized.height(),
                resized.width(),
                image.height(),
                image.width(),
                resized.data(),
                new SegmentationLabels(seg),
                s.imageUri());
    }

    private static byte[] decodeLabels(
            SourceSample s,
            FileSystem fs,
            ChwImage image,
            int targetHeight,
            int targetWidth,
            List<SampleWarning> warnings) {
        String labelUri = s.labelMap().uri();
        ChwImage labels;
        try {
            labels = ImageOps.decodeLabelPng(SampleDecoder.read(s, fs, labelUri));
        } catch (IllegalArgumentException e) {
            throw new BadSampleException(s.sampleId(), labelUri, "cannot decode label map: " + e.getMessage(), e);
        }
        if (labels.height() != image.height() || labels.width() != image.width()) {
            throw new BadSampleException(
                    s.sampleId(),
                    labelUri,
                    "label map is " + labels.width() + "x" + labels.height() + " (WxH) but its image is "
                            + image.width() + "x" + image.height());
        }
        SortedMap<Integer, Long> outside = CityscapesLabels.outsideTable(labels.data());
        if (!outside.isEmpty()) {
            long pixels = outside.values().stream().mapToLong(Long::longValue).sum();
            warnings.add(new SampleWarning(
                    s.sampleId(),
                    labelUri,
                    pixels + " of " + labels.data().length
                            + " pixels have label ids outside the Cityscapes table (0.." + CityscapesLabels.MAX_LABEL_ID
                            + "): "
                            + outside.keySet().stream()
                                    .limit(5)
                                    .map(String::valueOf)
                                    .collect(Collectors.joining(", "))
                            + (outside.size() > 5 ? ", ..." : "") + "; trained as ignore"));
        }
        byte[] seg = ImageOps.resizeNearest(labels, targetHeight, targetWidth).data();
        CityscapesLabels.toTrainIds(seg);
        return seg;
    }

    private static List<DatasetClass> classList() {
        List<DatasetClass> classes = new ArrayList<>();
        for (int t = 0; t < CityscapesLabels.NUM_CLASSES; t++) {
            classes.add(new DatasetClass(t, CityscapesLabels.labelId(t), CityscapesLabels.TRAIN_NAMES.get(t), null));
        }
        return List.copyOf(classes);
    }
}
