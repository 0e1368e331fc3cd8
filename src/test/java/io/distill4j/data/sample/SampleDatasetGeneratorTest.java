package io.distill4j.data.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.data.DataFiles;
import io.distill4j.data.ImageOps;
import io.distill4j.data.ShardRecord;
import io.distill4j.data.SourceSample;
import io.distill4j.data.cityscapes.CityscapesLayout;
import io.distill4j.data.coco.CocoAnnotation;
import io.distill4j.data.coco.CocoCategory;
import io.distill4j.data.coco.CocoInstances;
import io.distill4j.data.coco.CocoInstancesReader;
import io.distill4j.data.coco.CocoLayout;
import io.distill4j.data.coco.CocoSegmentation;
import io.distill4j.data.formats.DatasetFormats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDatasetGeneratorTest {
    @TempDir
    static java.nio.file.Path tmp;

    static FileSystem fs;
    static Path root;
    static GeneratedSample summary;

    @BeforeAll
    static void generateDefaults() throws IOException {
        fs = FileSystem.getLocal(new Configuration());
        root = new Path(tmp.toUri().toString(), "a");
        long start = System.nanoTime();
        summary = SampleDatasetGenerator.generate(fs, root, SampleSpec.defaults());
        long ms = (System.nanoTime() - start) / 1_000_000;
        // "a few seconds on a laptop": generous bound so a loaded CI machine does not flake.
        assertTrue(ms < 30_000, "default sample took " + ms + " ms");
    }

    @Test
    void sameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws IOException {
        Path again = new Path(tmp.toUri().toString(), "b");
        SampleDatasetGenerator.generate(fs, again, SampleSpec.defaults());
        Map<String, byte[]> first = files(root), second = files(again);
        assertEquals(first.keySet(), second.keySet());
        for (String name : first.keySet()) assertArrayEquals(first.get(name), second.get(name), name);

        SampleSpec.DatasetSize tiny = new SampleSpec.DatasetSize(2, 1, 128, 64);
        Path other = new Path(tmp.toUri().toString(), "c");
        SampleDatasetGenerator.generate(fs, other, new SampleSpec(SampleSpec.DEFAULT_SEED + 1, tiny, tiny));
        Map<String, byte[]> changed = files(other);
        String firstImage = "cityscapes/leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png";
        assertTrue(changed.containsKey(firstImage));
        assertTrue(!java.util.Arrays.equals(changed.get(firstImage), first.get(firstImage)));
    }

    @Test
    void cityscapesLayoutFindsEveryPairAndDecoderReadsThem() throws IOException {
        SampleSpec.DatasetSize size = SampleSpec.DEFAULT_CITYSCAPES;
        List<SourceSample> train = CityscapesLayout.list(fs, summary.cityscapesRoot(), "train");
        List<SourceSample> val = CityscapesLayout.list(fs, summary.cityscapesRoot(), "val");
        assertEquals(size.trainCount(), train.size());
        assertEquals(size.valCount(), val.size());
        assertEquals(
                "cityscapes/train/aachen/aachen_000000_000019", train.get(0).sampleId());
        assertTrue(val.get(0).sampleId().startsWith("cityscapes/val/frankfurt/"));

        boolean[] labelIdsSeen = new boolean[256];
        int[] trainIdPixels = new int[256];
        for (SourceSample s : train) {
            for (byte b : ImageOps.decodeLabelPng(
                            DataFiles.readAll(fs, new Path(s.labelMap().uri())))
                    .data()) {
                labelIdsSeen[b & 0xFF] = true;
            }
            ShardRecord r = DatasetFormats.decode(s, fs, size.height() / 2, size.width() / 2);
            assertEquals(size.height(), r.origHeight());
            for (byte b : r.segmentation().trainIds()) trainIdPixels[b & 0xFF]++;
        }
        for (int ignored : new int[] {0, 1, 3, 4})
            assertTrue(labelIdsSeen[ignored], "labelId " + ignored + " never drawn");
        // road, sidewalk, building, pole, traffic sign, vegetation, terrain, sky, person, car
        for (int trainId : new int[] {0, 1, 2, 5, 7, 8, 9, 10, 11, 13}) {
            assertTrue(trainIdPixels[trainId] > 0, "trainId " + trainId + " never drawn");
        }
        assertTrue(trainIdPixels[255] > 0);
    }

    @Test
    void cocoReaderFindsEveryAnnotationWithAreasAndBoxesMatchingTheMasks() throws IOException {
        SampleSpec.DatasetSize size = SampleSpec.DEFAULT_COCO;
        int annotations = 0;
        boolean listRle = false, stringRle = false;
        int[] areaRanges = new int[3];
        for (String split : List.of("train2017", "val2017")) {
            CocoInstances coco =
                    new CocoInstancesReader(true).read(fs, CocoLayout.annotationFile(summary.cocoRoot(), split));
            assertEquals(
                    List.of(1, 3, 18, 44, 62),
                    coco.categories().stream().map(CocoCategory::id).toList());
            assertEquals(
                    split.equals("train2017") ? size.trainCount() : size.valCount(),
                    coco.images().size());
            for (CocoAnnotation a : coco.annotations()) {
                annotations++;
                byte[] mask = a.segmentation().toMask(size.height(), size.width());
                long pixels = 0;
                int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
                for (int y = 0; y < size.height(); y++) {
                    for (int x = 0; x < size.width(); x++) {
                        if (mask[y * size.width() + x] == 0) continue;
                        pixels++;
                        x0 = Math.min(x0, x);
                        y0 = Math.min(y0, y);
                        x1 = Math.max(x1, x);
                        y1 = Math.max(y1, y);
                    }
                }
                assertEquals((double) pixels, a.area(), "area of annotation " + a.id());
                assertArrayEquals(
                        new float[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1}, a.bbox(), "bbox of annotation " + a.id());
                if (a.segmentation() instanceof CocoSegmentation.Rle r) {
                    assertTrue(a.iscrowd());
                    listRle |= !r.compressed();
                    stringRle |= r.compressed();
                } else {
                    assertTrue(!a.iscrowd());
                }
                areaRanges[a.area() < 32 * 32 ? 0 : a.area() <= 96 * 96 ? 1 : 2]++;
            }
            List<SourceSample> samples = CocoLayout.list(fs, summary.cocoRoot(), split);
            assertEquals(coco.images().size(), samples.size());
            int objects = 0;
            for (SourceSample s : samples) {
                ShardRecord r = DatasetFormats.decode(s, fs, 96, 96);
                objects += r.detection().objectCount();
            }
            assertEquals(coco.annotationCount(), objects);
        }
        assertEquals(summary.cocoAnnotations(), annotations);
        assertTrue(listRle && stringRle, "both RLE forms must be present");
        for (int i = 0; i < 3; i++) assertTrue(areaRanges[i] > 0, "no object in area range " + i);
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        String prefix = fs.makeQualified(dir).toString() + "/";
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        List<Path> paths = new ArrayList<>();
        while (it.hasNext()) paths.add(it.next().getPath());
        for (Path p : paths) {
            if (p.getName().endsWith(".crc")) continue;
            out.put(p.toString().substring(prefix.length()), DataFiles.readAll(fs, p));
        }
        return out;
    }
}
