package io.distill4j.data.cityscapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.data.DataFiles;
import io.distill4j.data.SourceSample;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CityscapesLayoutTest {
    @TempDir
    java.nio.file.Path tmp;

    private static void touch(FileSystem fs, Path p) throws IOException {
        DataFiles.write(fs, p, new byte[] {1});
    }

    private Path root() {
        return new Path(tmp.toUri().toString(), "cityscapes");
    }

    @Test
    void pairsEveryImageWithItsLabelSortedById() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path root = root();
        for (String stem : List.of("bremen_000002_000019", "aachen_000001_000019", "aachen_000000_000019")) {
            String city = stem.substring(0, stem.indexOf('_'));
            touch(fs, CityscapesLayout.imagePath(root, "train", city, stem));
            touch(fs, CityscapesLayout.labelPath(root, "train", city, stem));
        }
        // Other gtFine files and stray files are not samples.
        touch(fs, new Path(root, "gtFine/train/aachen/aachen_000000_000019_gtFine_color.png"));
        touch(fs, new Path(root, "leftImg8bit/train/aachen/README.txt"));

        List<SourceSample> samples = CityscapesLayout.list(fs, root, "train");
        assertEquals(3, samples.size());
        assertEquals(
                "cityscapes/train/aachen/aachen_000000_000019", samples.get(0).sampleId());
        assertEquals(
                "cityscapes/train/aachen/aachen_000001_000019", samples.get(1).sampleId());
        assertEquals(
                "cityscapes/train/bremen/bremen_000002_000019", samples.get(2).sampleId());
        SourceSample first = samples.get(0);
        assertTrue(first.imageUri().endsWith("leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png"));
        assertTrue(first.labelMap().uri().endsWith("gtFine/train/aachen/aachen_000000_000019_gtFine_labelIds.png"));
        assertEquals("train", first.split());
        assertThrows(IllegalArgumentException.class, first::cocoAnnotations);
    }

    @Test
    void missingLabelNamesTheImageAndTheExpectedLabel() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path root = root();
        touch(fs, CityscapesLayout.imagePath(root, "val", "lindau", "lindau_000000_000019"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CityscapesLayout.list(fs, root, "val"));
        assertTrue(e.getMessage().contains("lindau_000000_000019_leftImg8bit.png"), e.getMessage());
        assertTrue(
                e.getMessage().contains("gtFine/val/lindau/lindau_000000_000019_gtFine_labelIds.png"), e.getMessage());
    }

    @Test
    void emptySplitNamesTheDirectory() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path root = root();
        fs.mkdirs(new Path(root, "leftImg8bit/val/lindau"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CityscapesLayout.list(fs, root, "val"));
        assertTrue(e.getMessage().contains("leftImg8bit/val"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> CityscapesLayout.list(fs, root, "test"));
        assertTrue(missing.getMessage().contains("leftImg8bit/test"), missing.getMessage());
    }
}
