package io.distill4j.data.coco;

import io.distill4j.data.BadSampleException;
import io.distill4j.data.ChwImage;
import io.distill4j.data.CocoImageAnnotations;
import io.distill4j.data.CocoObject;
import io.distill4j.data.DatasetClass;
import io.distill4j.data.DatasetFormat;
import io.distill4j.data.DetectionLabels;
import io.distill4j.data.SampleWarning;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.SourceSample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * COCO instances: images listed by {@code annotations/instances_{split}.json} ({@link CocoLayout}),
 * each with its annotated boxes, rescaled to the shards' size. The classes are the annotation files'
 * categories, in category id order.
 *
 * <p>The resize stretches to exactly {@code H x W}, so a box scales as
 * {@code x * W / origW, y * H / origH, w * W / origW, h * H / origH}. Areas stay in original pixels:
 * COCOeval's small/medium/large ranges are defined on them.
 */
public final class CocoFormat implements DatasetFormat {
    private static final long serialVersionUID = 1L;

    /** The shards' {@code dataset} value. */
    public static final String ID = SourceSample.COCO;

    /**
     * Boxes may overshoot the image by this many pixels: COCO's float boxes come from polygon
     * coordinates and a few real boxes end a fraction of a pixel past the border.
     */
    public static final float BOX_TOLERANCE_PX = 1.0f;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Listing list(FileSystem fs, Path root, String split) throws IOException {
        CocoLayout.Listing listing = CocoLayout.listing(fs, root, split);
        List<DatasetClass> classes = new ArrayList<>();
        for (CocoCategory c : listing.instances().categories()) {
            classes.add(new DatasetClass(classes.size(), c.id(), c.name(), c.supercategory()));
        }
        return new Listing(listing.samples(), classes);
    }

    /**
     * The categories of all splits (the first split that declares an id names it), sorted by
     * category id; the index is the heatmap channel.
     */
    @Override
    public List<DatasetClass> classes(List<Listing> splits) {
        Map<Integer, DatasetClass> byId = new LinkedHashMap<>();
        for (Listing l : splits) for (DatasetClass c : l.classes()) byId.putIfAbsent(c.id(), c);
        List<DatasetClass> cats = new ArrayList<>(byId.values());
        cats.sort(Comparator.comparingInt(DatasetClass::id));
        List<DatasetClass> out = new ArrayList<>(cats.size());
        for (DatasetClass c : cats) out.add(new DatasetClass(out.size(), c.id(), c.name(), c.supercategory()));
        return List.copyOf(out);
    }

    /** {@code coco/{split}/{file name without extension}}. */
    @Override
    public String sampleId(String split, String imagePath) {
        int dot = imagePath.lastIndexOf('.');
        String stem = dot > 0 ? imagePath.substring(0, dot) : imagePath;
        return ID + "/" + split + "/" + stem;
    }

    /** Objects per category id. */
    @Override
    public void countClasses(ShardRecord r, Map<Integer, Long> histogram) {
        for (int id : r.detection().categoryIds()) histogram.merge(id, 1L, Long::sum);
    }

    @Override
    public ShardRecord record(
            SourceSample s, FileSystem fs, ChwImage image, ChwImage resized, List<SampleWarning> warnings) {
        CocoImageAnnotations annotations = s.cocoAnnotations();
        if (image.height() != annotations.declaredHeight() || image.width() != annotations.declaredWidth()) {
            throw new BadSampleException(
                    s.sampleId(),
                    s.imageUri(),
                    "decoded image is " + image.width() + "x" + image.height() + " (WxH) but the annotations declare "
                            + annotations.declaredWidth() + "x" + annotations.declaredHeight());
        }
        List<CocoObject> objects = annotations.objects();
        int n = objects.size();
        float[] boxes = new float[4 * n];
        int[] categories = new int[n];
        float[] areas = new float[n];
        boolean[] crowd = new boolean[n];
        float sx = (float) resized.width() / image.width();
        float sy = (float) resized.height() / image.height();
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
                resized.height(),
                resized.width(),
                image.height(),
                image.width(),
                resized.data(),
                new DetectionLabels(annotations.imageId(), boxes, categories, areas, crowd),
                s.imageUri());
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
}
