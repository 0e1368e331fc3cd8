package io.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.data.formats.DatasetFormats;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDecoderTest {
    @TempDir
    java.nio.file.Path tmp;

    FileSystem fs;

    @BeforeEach
    void localFs() throws IOException {
        fs = FileSystem.getLocal(new Configuration());
    }

    private String write(String name, byte[] bytes) throws IOException {
        Path p = new Path(tmp.toUri().toString(), name);
        DataFiles.write(fs, p, bytes);
        return p.toString();
    }

    private static ChwImage rgb(int h, int w, int value) {
        byte[] v = new byte[3 * h * w];
        java.util.Arrays.fill(v, (byte) value);
        return new ChwImage(3, h, w, v);
    }

    private SourceSample cityscapes(ChwImage image, ChwImage labels) throws IOException {
        String img = write("img.png", ImageOps.encodeRgbPng(image));
        String lab = write("lab.png", ImageOps.encodeLabelPng(labels));
        return SourceSample.cityscapes("cityscapes/val/x/x_000000_000019", "val", img, lab);
    }

    private SourceSample coco(int declaredH, int declaredW, ChwImage image, CocoObject... objects) throws IOException {
        String img = write("000000000139.jpg", ImageOps.encodeRgbJpeg(image, 0.9f));
        return SourceSample.coco(
                "coco/val2017/000000000139", "val2017", img, 139, declaredH, declaredW, List.of(objects));
    }

    @Test
    void cityscapesLabelsAreResizedByNearestAndMappedToTrainIds() throws IOException {
        // 2x4 labelIds: road, sidewalk over car, ego vehicle; each a 1x2 block.
        byte[] ids = {7, 7, 8, 8, 26, 26, 1, 1};
        SourceSample s = cityscapes(rgb(2, 4, 100), new ChwImage(1, 2, 4, ids));
        // Halving takes the pixel under each output centre: row 1, columns 1 and 3 (car, ego vehicle).
        ShardRecord r = DatasetFormats.decode(s, fs, 1, 2);
        assertArrayEquals(new byte[] {13, (byte) 255}, r.segmentation().trainIds());
        r = DatasetFormats.decode(s, fs, 2, 4);
        assertArrayEquals(
                new byte[] {0, 0, 1, 1, 13, 13, (byte) 255, (byte) 255},
                r.segmentation().trainIds());
        assertEquals(2, r.origHeight());
        assertEquals(4, r.origWidth());
        assertEquals(3 * 2 * 4, r.image().length);
        assertEquals(100, r.image()[5] & 0xFF);
        assertThrows(IllegalArgumentException.class, r::detection);
        assertEquals(s.imageUri(), r.sourceUri());
    }

    @Test
    void cocoBoxesFollowTheStretchResizeAndAreasStayInOriginalPixels() throws IOException {
        CocoObject a = new CocoObject(5, 18, new float[] {10, 20, 40, 30}, 900f, false);
        CocoObject b = new CocoObject(6, 1, new float[] {0, 0, 100, 50}, 4000f, true);
        ShardRecord r = DatasetFormats.decode(coco(50, 100, rgb(50, 100, 60), a, b), fs, 25, 200);
        assertArrayEquals(
                new float[] {20, 10, 80, 15, 0, 0, 200, 25}, r.detection().boxes());
        assertArrayEquals(new int[] {18, 1}, r.detection().categoryIds());
        assertArrayEquals(new float[] {900f, 4000f}, r.detection().areas());
        assertArrayEquals(new boolean[] {false, true}, r.detection().iscrowd());
        assertEquals(139, r.detection().imageId());
        assertEquals(2, r.detection().objectCount());
        assertThrows(IllegalArgumentException.class, r::segmentation);
    }

    @Test
    void corruptImageNamesSampleAndFile() throws IOException {
        String img = write("broken.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        String lab = write("lab.png", ImageOps.encodeLabelPng(new ChwImage(1, 1, 1, new byte[] {7})));
        SourceSample s = SourceSample.cityscapes("cityscapes/val/x/x_000000_000019", "val", img, lab);
        BadSampleException e = assertThrows(BadSampleException.class, () -> DatasetFormats.decode(s, fs, 4, 4));
        assertEquals("cityscapes/val/x/x_000000_000019", e.sampleId());
        assertEquals(img, e.file());
        assertTrue(
                e.getMessage()
                        .startsWith("sample cityscapes/val/x/x_000000_000019: file " + img + ": cannot decode image"),
                e.getMessage());
    }

    @Test
    void labelOfAnotherSizeNamesTheLabelFile() throws IOException {
        SourceSample s = cityscapes(rgb(4, 8, 1), new ChwImage(1, 4, 6, new byte[24]));
        BadSampleException e = assertThrows(BadSampleException.class, () -> DatasetFormats.decode(s, fs, 4, 4));
        assertEquals(s.labelMap().uri(), e.file());
        assertEquals("label map is 6x4 (WxH) but its image is 8x4", e.reason());
    }

    @Test
    void imageOfAnotherSizeThanDeclaredIsRejected() throws IOException {
        SourceSample s = coco(48, 64, rgb(50, 64, 1));
        BadSampleException e = assertThrows(BadSampleException.class, () -> DatasetFormats.decode(s, fs, 32, 32));
        assertEquals(s.imageUri(), e.file());
        assertEquals("decoded image is 64x50 (WxH) but the annotations declare 64x48", e.reason());
    }

    @Test
    void zeroSizedBoxIsRejectedWithItsAnnotationId() throws IOException {
        SourceSample s = coco(20, 20, rgb(20, 20, 1), new CocoObject(77, 3, new float[] {1, 1, 0, 5}, 0f, false));
        BadSampleException e = assertThrows(BadSampleException.class, () -> DatasetFormats.decode(s, fs, 10, 10));
        assertEquals("coco/val2017/000000000139", e.sampleId());
        assertTrue(e.reason().startsWith("annotation 77 box"), e.reason());
        assertTrue(e.reason().endsWith("has zero or negative size"), e.reason());
    }

    @Test
    void boxOutsideTheImageIsRejected() throws IOException {
        SourceSample s = coco(20, 20, rgb(20, 20, 1), new CocoObject(78, 3, new float[] {15, 2, 10, 5}, 50f, false));
        BadSampleException e = assertThrows(BadSampleException.class, () -> DatasetFormats.decode(s, fs, 10, 10));
        assertTrue(e.reason().contains("annotation 78") && e.reason().contains("outside the 20x20 image"), e.reason());
        // Within the documented tolerance a box that ends a fraction past the border is kept.
        SourceSample edge =
                coco(20, 20, rgb(20, 20, 1), new CocoObject(79, 3, new float[] {10, 2, 10.4f, 5}, 50f, false));
        assertEquals(1, DatasetFormats.decode(edge, fs, 10, 10).detection().objectCount());
    }
}
