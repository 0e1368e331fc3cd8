package io.distill4j.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Copies of the test sample (or of committed outputs) with one thing broken, for the bad-input tests. */
final class BrokenCopies {
    private BrokenCopies() {}

    /** Copies the tree under {@code from} to {@code to}, file times kept; returns {@code to}. */
    static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(t);
                else Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    /**
     * Replaces a file's bytes and drops Hadoop's {@code .NAME.crc} beside it, as a copy from HDFS or
     * S3 (which keep no such files) would: the Parquet reader, not the local checksum, meets the damage.
     */
    static void replaceBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    }

    /**
     * Copies the sample's Cityscapes tree to {@code to} and replaces its first train label map (by
     * name) with a 50x30 one, which its image is not; returns that label map.
     */
    static Path labelMapOfAnotherSize(Path sample, Path to) throws IOException {
        Path city = copyTree(sample.resolve("cityscapes"), to);
        Path label;
        try (Stream<Path> s = Files.walk(city.resolve("gtFine/train"))) {
            label = s.filter(p -> p.getFileName().toString().endsWith("_gtFine_labelIds.png"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(50, 30, BufferedImage.TYPE_BYTE_GRAY), "png", png);
        replaceBytes(label, png.toByteArray());
        return label;
    }

    /** Copies the sample's COCO tree to {@code to} and lets {@code edit} rewrite its train annotation file; returns that file. */
    static Path cocoWithEditedTrainJson(Path sample, Path to, Consumer<ObjectNode> edit) throws IOException {
        Path coco = copyTree(sample.resolve("coco"), to);
        Path json;
        try (Stream<Path> s = Files.list(coco.resolve("annotations"))) {
            json = s.filter(p -> p.getFileName().toString().matches("instances_train.*\\.json"))
                    .findFirst()
                    .orElseThrow();
        }
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(json.toFile());
        edit.accept(root);
        replaceBytes(json, mapper.writeValueAsBytes(root));
        return json;
    }
}
