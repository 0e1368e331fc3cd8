package io.distill4j.data;

import io.distill4j.data.cityscapes.CityscapesLabels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Turns a {@link SourceSample} into a {@link ShardRecord}: reads the files through Hadoop, decodes,
 * resizes to a fixed size, maps Cityscapes labelIds to trainIds and rescales COCO boxes.
 *
 * <p>The resize stretches to exactly {@code targetHeight x targetWidth} (no letterbox, no crop), so a
 * box scales as {@code x * W / origW, y * H / origH, w * W / origW, h * H / origH}. COCO areas stay in
 * original pixels: COCOeval's small/medium/large ranges are defined on them.
 *
 * <p>Input that cannot make a valid record throws {@link BadSampleException} naming the sample and
 * file; a failing read (network, permissions) is an {@link UncheckedIOException}, not a bad sample.
 */
public final class SampleDecoder {
    /**
     * Boxes may overshoot the image by this many pixels: COCO's float boxes come from polygon
     * coordinates and a few real boxes end a fraction of a pixel past the border.
     */
    public static final float BOX_TOLERANCE_PX = 1.0f;

    private SampleDecoder() {}

    /** Decodes and resizes one sample. */
    public static ShardRecord decode(SourceSample s, FileSystem fs, int targetHeight, int targetWidth) {
        return decode(s, fs, targetHeight, targetWidth, new java.util.ArrayList<>());
    }

    /** Decodes and resizes one sample, adding to {@code warnings} what looks like a mistake but can be trained on. */
    public static ShardRecord decode(
            SourceSample s, FileSystem fs, int targetHeight, int targetWidth, List<SampleWarning> warnings) {
        if (targetHeight <= 0 || targetWidth <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + targetHeight + "x" + targetWidth);
        }
        ChwImage image = decodeImage(s, read(s, fs, s.imageUri()));
        ChwImage resized = ImageOps.resizeBilinear(image, targetHeight, targetWidth);
        if (s.isCityscapes()) {
            byte[] seg = decodeLabels(s, fs, image, targetHeight, targetWidth, warnings);
            return new ShardRecord(
                    s.sampleId(),
                    s.dataset(),
                    s.split(),
                    targetHeight,
                    targetWidth,
                    image.height(),
                    image.width(),
                    resized.data(),
                    seg,
                    null,
                    null,
                    null,
                    null,
                    -1,
                    s.imageUri());
        }
        if (image.height() != s.origHeight() || image.width() != s.origWidth()) {
            throw new BadSampleException(
                    s.sampleId(),
                    s.imageUri(),
                    "decoded image is " + image.width() + "x" + image.height() + " (WxH) but the annotations declare "
                            + s.origWidth() + "x" + s.origHeight());
        }
        List<CocoObject> objects = s.objects();
        int n = objects.size();
        float[] boxes = new float[4 * n];
        int[] categories = new int[n];
        float[] areas = new float[n];
        boolean[] crowd = new boolean[n];
        float sx = (float) targetWidth / image.width();
        float sy = (float) targetHeight / image.height();
        for (int i = 0; i < n; i++) {
            CocoObject o = objects.get(i);
            float[] b = o.bbox();
            checkBox(s, o, b, image.width(), image.height());
            boxes[4 * i] = b[0] * sx;
            boxes[4 * i + 1] = b[1] * sy;
            boxes[4 * i + 2] = b[2] * sx;
            boxes[4 * i + 3] = b[3] * sy;
            categories[i] = o.categoryId();
            areas[i] = o.area();
            crowd[i] = o.iscrowd();
        }
        return new ShardRecord(
                s.sampleId(),
                s.dataset(),
                s.split(),
                targetHeight,
                targetWidth,
                image.height(),
                image.width(),
                resized.data(),
                null,
                boxes,
                categories,
                areas,
                crowd,
                s.imageId(),
                s.imageUri());
    }

    private static byte[] decodeLabels(
            SourceSample s,
            FileSystem fs,
            ChwImage image,
            int targetHeight,
            int targetWidth,
            List<SampleWarning> warnings) {
        ChwImage labels;
        try {
            labels = ImageOps.decodeLabelPng(read(s, fs, s.labelUri()));
        } catch (IllegalArgumentException e) {
            throw new BadSampleException(s.sampleId(), s.labelUri(), "cannot decode label map: " + e.getMessage(), e);
        }
        if (labels.height() != image.height() || labels.width() != image.width()) {
            throw new BadSampleException(
                    s.sampleId(),
                    s.labelUri(),
                    "label map is " + labels.width() + "x" + labels.height() + " (WxH) but its image is "
                            + image.width() + "x" + image.height());
        }
        java.util.SortedMap<Integer, Long> outside = CityscapesLabels.outsideTable(labels.data());
        if (!outside.isEmpty()) {
            long pixels = outside.values().stream().mapToLong(Long::longValue).sum();
            warnings.add(new SampleWarning(
                    s.sampleId(),
                    s.labelUri(),
                    pixels + " of " + labels.data().length
                            + " pixels have label ids outside the Cityscapes table (0.." + CityscapesLabels.MAX_LABEL_ID
                            + "): "
                            + outside.keySet().stream()
                                    .limit(5)
                                    .map(String::valueOf)
                                    .collect(java.util.stream.Collectors.joining(", "))
                            + (outside.size() > 5 ? ", ..." : "") + "; trained as ignore"));
        }
        byte[] seg = ImageOps.resizeNearest(labels, targetHeight, targetWidth).data();
        CityscapesLabels.toTrainIds(seg);
        return seg;
    }

    private static void checkBox(SourceSample s, CocoObject o, float[] b, int width, int height) {
        String box = "annotation " + o.annotationId() + " box [" + b[0] + ", " + b[1] + ", " + b[2] + ", " + b[3] + "]";
        if (!(b[2] > 0 && b[3] > 0)) {
            throw new BadSampleException(s.sampleId(), s.imageUri(), box + " has zero or negative size");
        }
        if (!(b[0] >= -BOX_TOLERANCE_PX
                && b[1] >= -BOX_TOLERANCE_PX
                && b[0] + b[2] <= width + BOX_TOLERANCE_PX
                && b[1] + b[3] <= height + BOX_TOLERANCE_PX)) {
            throw new BadSampleException(
                    s.sampleId(), s.imageUri(), box + " lies outside the " + width + "x" + height + " image");
        }
    }

    private static ChwImage decodeImage(SourceSample s, byte[] bytes) {
        try {
            return ImageOps.decodeRgb(bytes);
        } catch (IllegalArgumentException e) {
            throw new BadSampleException(s.sampleId(), s.imageUri(), "cannot decode image: " + e.getMessage(), e);
        }
    }

    private static byte[] read(SourceSample s, FileSystem fs, String uri) {
        try {
            return DataFiles.readAll(fs, new Path(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("sample " + s.sampleId() + ": cannot read " + uri, e);
        }
    }
}
