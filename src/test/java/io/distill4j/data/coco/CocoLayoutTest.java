package io.distill4j.data.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.data.CocoImageAnnotations;
import io.distill4j.data.CocoObject;
import io.distill4j.data.DataFiles;
import io.distill4j.data.SourceSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoLayoutTest {
    @TempDir
    java.nio.file.Path tmp;

    private Path tree(FileSystem fs, String... images) throws IOException {
        Path root = new Path(tmp.toUri().toString(), "coco");
        DataFiles.write(
                fs,
                CocoLayout.annotationFile(root, "val2017"),
                CocoInstancesReaderTest.JSON.getBytes(StandardCharsets.UTF_8));
        fs.mkdirs(new Path(root, "val2017"));
        for (String name : images) DataFiles.write(fs, new Path(root, "val2017/" + name), new byte[] {1});
        return root;
    }

    @Test
    void listsEveryImageWithItsAnnotationsSortedById() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path root = tree(fs, "000000000139.jpg", "000000000285.jpg", "000000000632.jpg");
        List<SourceSample> samples = CocoLayout.list(fs, root, "val2017");
        assertEquals(
                List.of("coco/val2017/000000000139", "coco/val2017/000000000285", "coco/val2017/000000000632"),
                samples.stream().map(SourceSample::sampleId).toList());
        SourceSample first = samples.get(0);
        CocoImageAnnotations annotations = first.cocoAnnotations();
        assertEquals(139, annotations.imageId());
        assertEquals(3, annotations.declaredHeight());
        assertEquals(4, annotations.declaredWidth());
        assertTrue(first.imageUri().endsWith("val2017/000000000139.jpg"));
        assertEquals(2, annotations.objects().size());
        assertThrows(IllegalArgumentException.class, first::labelMap);
        CocoObject crowd = annotations.objects().get(1);
        assertEquals(11, crowd.annotationId());
        assertEquals(1, crowd.categoryId());
        assertArrayEquals(new float[] {1, 0, 2, 3}, crowd.bbox());
        assertEquals(4f, crowd.area());
        assertTrue(crowd.iscrowd());
        assertTrue(samples.get(2).cocoAnnotations().objects().isEmpty());
    }

    @Test
    void missingImageNamesTheJsonAndThePath() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path root = tree(fs, "000000000139.jpg", "000000000632.jpg");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CocoLayout.list(fs, root, "val2017"));
        assertTrue(e.getMessage().contains("annotations/instances_val2017.json"), e.getMessage());
        assertTrue(e.getMessage().contains("val2017/000000000285.jpg is missing"), e.getMessage());
    }

    @Test
    void missingAnnotationFileIsNamed() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path root = tree(fs);
        IOException e = assertThrows(IOException.class, () -> CocoLayout.list(fs, root, "train2017"));
        assertTrue(e.getMessage().contains("annotations/instances_train2017.json"), e.getMessage());
    }

    @Test
    void splitWithoutAnyAnnotationIsRefusedNamingTheFile() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path root = new Path(tmp.toUri().toString(), "coco-empty");
        String json = "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"height\": 4, \"width\": 4}],"
                + " \"categories\": [{\"id\": 1, \"name\": \"x\"}], \"annotations\": []}";
        DataFiles.write(fs, CocoLayout.annotationFile(root, "train2017"), json.getBytes(StandardCharsets.UTF_8));
        fs.mkdirs(new Path(root, "train2017"));
        DataFiles.write(fs, new Path(root, "train2017/a.jpg"), new byte[] {1});
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoLayout.list(fs, root, "train2017"));
        assertTrue(
                e.getMessage().contains("annotations/instances_train2017.json: holds 1 images but no annotations"),
                e.getMessage());
    }
}
