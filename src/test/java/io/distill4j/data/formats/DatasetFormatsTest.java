package io.distill4j.data.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.DatasetSettings;
import io.distill4j.data.ChwImage;
import io.distill4j.data.CocoImageAnnotations;
import io.distill4j.data.DatasetClass;
import io.distill4j.data.DatasetFormat;
import io.distill4j.data.DetectionLabels;
import io.distill4j.data.LabelMapFile;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.SourceSample;
import io.distill4j.data.cityscapes.CityscapesFormat;
import io.distill4j.data.cityscapes.CityscapesLabels;
import io.distill4j.data.coco.CocoFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;

class DatasetFormatsTest {

    @Test
    void everyConfiguredDatasetKindHasExactlyOneFormat() {
        for (DatasetSettings.Kind kind : DatasetSettings.Kind.values()) {
            assertEquals(kind.id(), DatasetFormats.of(kind.id()).id());
        }
        assertEquals(DatasetSettings.Kind.values().length, DatasetFormats.ALL.size());
        assertEquals(DatasetFormats.ALL.size(), new HashSet<>(DatasetFormats.ids()).size(), "ids are unique");
    }

    @Test
    void idsAreTheShardsDatasetValues() {
        assertEquals(List.of("cityscapes", "coco"), DatasetFormats.ids());
        assertSame(
                CityscapesFormat.class,
                DatasetFormats.of(SourceSample.CITYSCAPES).getClass());
        assertSame(CocoFormat.class, DatasetFormats.of(SourceSample.COCO).getClass());
    }

    @Test
    void anUnknownIdIsRefusedNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetFormats.of("voc"));
        assertEquals("unknown dataset 'voc': distill4j reads cityscapes, coco", e.getMessage());
    }

    @Test
    void aSampleOfAnUnknownDatasetIsRefusedByTheFormatsList() throws Exception {
        SourceSample voc = new SourceSample(
                "voc/train/1", "voc", "train", "file:/1.jpg", new CocoImageAnnotations(1, 4, 4, List.of()));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> DatasetFormats.decode(voc, FileSystem.getLocal(new Configuration()), 2, 2));
        assertEquals("unknown dataset 'voc': distill4j reads cityscapes, coco", e.getMessage());
    }

    @Test
    void aFormatHandedTheOtherKindOfLabelSourceRefusesItNamingTheSample() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        ChwImage image = new ChwImage(3, 2, 2, new byte[12]);
        SourceSample labelMap =
                new SourceSample("coco/val2017/1", "coco", "val2017", "file:/1.jpg", new LabelMapFile("file:/1.png"));
        assertEquals(
                "sample coco/val2017/1 of dataset 'coco' lists a label map file, not COCO annotations",
                assertThrows(IllegalArgumentException.class, () -> DatasetFormats.of("coco")
                                .record(labelMap, fs, image, image, new ArrayList<>()))
                        .getMessage());
        SourceSample annotations = new SourceSample(
                "cityscapes/val/a/a_1",
                "cityscapes",
                "val",
                "file:/a.png",
                new CocoImageAnnotations(1, 2, 2, List.of()));
        assertEquals(
                "sample cityscapes/val/a/a_1 of dataset 'cityscapes' lists COCO annotations, not a label map file",
                assertThrows(IllegalArgumentException.class, () -> DatasetFormats.of("cityscapes")
                                .record(annotations, fs, image, image, new ArrayList<>()))
                        .getMessage());
    }

    @Test
    void aCityscapesSampleWithoutItsLabelFileIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SourceSample.cityscapes("cityscapes/val/a/a_1", "val", "file:/a_1_leftImg8bit.png", null));
        assertEquals("sample cityscapes/val/a/a_1: a Cityscapes sample needs a label file", e.getMessage());
    }

    @Test
    void sampleIdsFollowTheDatasetPath() {
        assertEquals(
                "cityscapes/train/aachen/aachen_000000_000019",
                DatasetFormats.of("cityscapes").sampleId("train", "aachen/aachen_000000_000019_leftImg8bit.png"));
        assertEquals("coco/val2017/000000000139", DatasetFormats.of("coco").sampleId("val2017", "000000000139.jpg"));
    }

    @Test
    void cityscapesHasTheNineteenTrainIdClassesWhateverTheSplits() {
        List<DatasetClass> classes = DatasetFormats.of("cityscapes").classes(List.of());
        assertEquals(CityscapesLabels.NUM_CLASSES, classes.size());
        for (int t = 0; t < classes.size(); t++) {
            assertEquals(t, classes.get(t).index());
            assertEquals(CityscapesLabels.labelId(t), classes.get(t).id());
            assertEquals(CityscapesLabels.TRAIN_NAMES.get(t), classes.get(t).name());
            assertNull(classes.get(t).supercategory());
        }
    }

    @Test
    void cocoClassesAreTheSplitsCategoriesByIdWithContiguousIndices() {
        DatasetFormat coco = DatasetFormats.of("coco");
        DatasetFormat.Listing train = new DatasetFormat.Listing(
                List.of(),
                List.of(new DatasetClass(0, 18, "dog", "animal"), new DatasetClass(1, 1, "person", "person")));
        DatasetFormat.Listing val = new DatasetFormat.Listing(
                List.of(), List.of(new DatasetClass(0, 3, "car", "vehicle"), new DatasetClass(1, 18, "hound", "x")));
        List<DatasetClass> classes = coco.classes(List.of(train, val));
        assertEquals(
                List.of(
                        new DatasetClass(0, 1, "person", "person"),
                        new DatasetClass(1, 3, "car", "vehicle"),
                        new DatasetClass(2, 18, "dog", "animal")),
                classes);
        assertTrue(coco.classes(List.of()).isEmpty());
    }

    @Test
    void theHistogramCountsPixelsPerTrainIdOrObjectsPerCategory() {
        ShardRecord seg = new ShardRecord(
                "cityscapes/val/x/x_0_0",
                "cityscapes",
                "val",
                1,
                3,
                1,
                3,
                new byte[9],
                new SegmentationLabels(new byte[] {0, 0, (byte) 255}),
                "x.png");
        Map<Integer, Long> h = new TreeMap<>();
        DatasetFormats.of("cityscapes").countClasses(seg, h);
        DatasetFormats.of("cityscapes").countClasses(seg, h);
        assertEquals(Map.of(0, 4L, 255, 2L), h);
        ShardRecord det = new ShardRecord(
                "coco/val2017/1",
                "coco",
                "val2017",
                1,
                1,
                1,
                1,
                new byte[3],
                new DetectionLabels(1, new float[8], new int[] {18, 1}, new float[2], new boolean[2]),
                "1.jpg");
        h.clear();
        DatasetFormats.of("coco").countClasses(det, h);
        assertEquals(Map.of(1, 1L, 18, 1L), h);
    }
}
