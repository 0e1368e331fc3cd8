package io.distill4j.data.sample;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.distill4j.data.ChwImage;
import io.distill4j.data.DataFiles;
import io.distill4j.data.ImageOps;
import io.distill4j.data.cityscapes.CityscapesLayout;
import io.distill4j.data.coco.CocoLayout;
import io.distill4j.data.coco.CocoSegmentation;
import io.distill4j.data.sample.CocoScenes.Category;
import io.distill4j.data.sample.CocoScenes.GeneratedObject;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes small synthetic datasets in the exact real layouts, deterministically from a seed:
 *
 * <pre>
 * root/cityscapes/leftImg8bit/{train,val}/{city}/{city}_{seq:06d}_{frame:06d}_leftImg8bit.png
 * root/cityscapes/gtFine/{train,val}/{city}/{city}_{seq:06d}_{frame:06d}_gtFine_labelIds.png
 * root/coco/{train2017,val2017}/{id:012d}.jpg
 * root/coco/annotations/instances_{train2017,val2017}.json
 * </pre>
 *
 * Each image is drawn from its own random stream (seed, dataset, split, index), so the output does
 * not depend on generation order and the same seed gives byte-identical files.
 */
public final class SampleDatasetGenerator {
    public static final String CITYSCAPES_DIR = "cityscapes";
    public static final String COCO_DIR = "coco";
    static final List<String> TRAIN_CITIES = List.of("aachen", "bochum", "bremen");
    static final List<String> VAL_CITIES = List.of("frankfurt", "lindau", "munster");
    /** Cityscapes' annotated frame is the 20th of each 30-frame snippet. */
    private static final int FRAME = 19;

    private static final float JPEG_QUALITY = 0.9f;
    private static final long VAL_IMAGE_ID_BASE = 1_000_000L;
    private static final long VAL_ANNOTATION_ID_BASE = 10_000_000L;

    private SampleDatasetGenerator() {}

    /** Writes both datasets under {@code root}, replacing files of the same names. */
    public static GeneratedSample generate(FileSystem fs, Path root, SampleSpec spec) throws IOException {
        Path cityscapes = new Path(root, CITYSCAPES_DIR);
        Path coco = new Path(root, COCO_DIR);
        SampleSpec.DatasetSize cs = spec.cityscapes();
        writeCityscapes(fs, cityscapes, "train", TRAIN_CITIES, cs.trainCount(), cs, spec.seed());
        writeCityscapes(fs, cityscapes, "val", VAL_CITIES, cs.valCount(), cs, spec.seed());
        SampleSpec.DatasetSize cc = spec.coco();
        int[] train = writeCoco(fs, coco, "train2017", 1, 1, cc.trainCount(), cc, spec.seed());
        int[] val = writeCoco(
                fs, coco, "val2017", VAL_IMAGE_ID_BASE + 1, VAL_ANNOTATION_ID_BASE + 1, cc.valCount(), cc, spec.seed());
        return new GeneratedSample(
                cityscapes,
                coco,
                cs.trainCount() + cs.valCount(),
                cc.trainCount() + cc.valCount(),
                train[0] + val[0],
                train[1] + val[1]);
    }

    private static void writeCityscapes(
            FileSystem fs,
            Path root,
            String split,
            List<String> cities,
            int count,
            SampleSpec.DatasetSize size,
            long seed)
            throws IOException {
        for (int i = 0; i < count; i++) {
            SplittableRandom rng = stream(seed, 1, split, i);
            CityscapesScenes.Scene scene = CityscapesScenes.draw(size.height(), size.width(), rng);
            String city = cities.get(i % cities.size());
            String stem = String.format("%s_%06d_%06d", city, i / cities.size(), FRAME);
            DataFiles.write(
                    fs, CityscapesLayout.imagePath(root, split, city, stem), ImageOps.encodeRgbPng(scene.image()));
            DataFiles.write(
                    fs,
                    CityscapesLayout.labelPath(root, split, city, stem),
                    ImageOps.encodeLabelPng(new ChwImage(1, size.height(), size.width(), scene.labelIds())));
        }
    }

    /** @return {annotations written, crowd regions written} */
    private static int[] writeCoco(
            FileSystem fs,
            Path root,
            String split,
            long firstImageId,
            long firstAnnotationId,
            int count,
            SampleSpec.DatasetSize size,
            long seed)
            throws IOException {
        int annotations = 0, crowds = 0;
        long annotationId = firstAnnotationId;
        try (OutputStream out = fs.create(CocoLayout.annotationFile(root, split), true);
                JsonGenerator json = new JsonFactory().createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeObjectFieldStart("info");
            json.writeStringField("description", "distill4j synthetic sample, seed " + seed);
            json.writeStringField("version", "1.0");
            json.writeEndObject();
            json.writeArrayFieldStart("licenses");
            json.writeStartObject();
            json.writeNumberField("id", 1);
            json.writeStringField("name", "generated");
            json.writeEndObject();
            json.writeEndArray();

            json.writeArrayFieldStart("images");
            for (int i = 0; i < count; i++) {
                long id = firstImageId + i;
                json.writeStartObject();
                json.writeNumberField("license", 1);
                json.writeStringField("file_name", fileName(id));
                json.writeNumberField("height", size.height());
                json.writeNumberField("width", size.width());
                json.writeNumberField("id", id);
                json.writeEndObject();
            }
            json.writeEndArray();

            json.writeArrayFieldStart("annotations");
            for (int i = 0; i < count; i++) {
                long imageId = firstImageId + i;
                SplittableRandom rng = stream(seed, 2, split, i);
                // The first two images of a split always hold a crowd, one in each RLE form.
                boolean crowd = i < 2 || rng.nextInt(4) == 0;
                CocoScenes.Scene scene = CocoScenes.draw(size.height(), size.width(), rng, crowd, i % 2 == 1);
                DataFiles.write(
                        fs,
                        new Path(new Path(root, split), fileName(imageId)),
                        ImageOps.encodeRgbJpeg(scene.image(), JPEG_QUALITY));
                for (GeneratedObject o : scene.objects()) {
                    writeAnnotation(json, annotationId++, imageId, o);
                    annotations++;
                    if (o.iscrowd()) crowds++;
                }
            }
            json.writeEndArray();

            json.writeArrayFieldStart("categories");
            for (Category c : Category.values()) {
                json.writeStartObject();
                json.writeStringField("supercategory", c.supercategory);
                json.writeNumberField("id", c.id);
                json.writeStringField("name", c.label);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return new int[] {annotations, crowds};
    }

    private static void writeAnnotation(JsonGenerator json, long id, long imageId, GeneratedObject o)
            throws IOException {
        json.writeStartObject();
        json.writeFieldName("segmentation");
        if (o.segmentation() instanceof CocoSegmentation.Polygons p) {
            json.writeStartArray();
            for (double[] polygon : p.polygons()) json.writeArray(polygon, 0, polygon.length);
            json.writeEndArray();
        } else if (o.segmentation() instanceof CocoSegmentation.Rle r) {
            json.writeStartObject();
            if (r.compressed()) {
                json.writeStringField("counts", r.rle().toCompressedString());
            } else {
                int[] counts = r.rle().counts();
                json.writeFieldName("counts");
                json.writeArray(counts, 0, counts.length);
            }
            json.writeFieldName("size");
            json.writeArray(new int[] {r.rle().height(), r.rle().width()}, 0, 2);
            json.writeEndObject();
        }
        json.writeNumberField("area", (double) o.area());
        json.writeNumberField("iscrowd", o.iscrowd() ? 1 : 0);
        json.writeNumberField("image_id", imageId);
        json.writeFieldName("bbox");
        float[] b = o.bbox();
        json.writeArray(new double[] {b[0], b[1], b[2], b[3]}, 0, 4);
        json.writeNumberField("category_id", o.categoryId());
        json.writeNumberField("id", id);
        json.writeEndObject();
    }

    private static String fileName(long imageId) {
        return String.format("%012d.jpg", imageId);
    }

    /** An independent random stream per (seed, dataset, split, image index). */
    private static SplittableRandom stream(long seed, int dataset, String split, int index) {
        long s = seed * 0x9E3779B97F4A7C15L;
        s = (s ^ dataset) * 0xBF58476D1CE4E5B9L;
        s = (s ^ split.hashCode()) * 0x94D049BB133111EBL;
        return new SplittableRandom(s ^ index);
    }
}
