package io.distill4j.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Resolves user path strings (plain, file://, hdfs://, s3a://) to Hadoop file systems. */
public final class Storage {
    private Storage() {}

    /**
     * A path; relative local paths are made absolute so executors in other JVMs see the same file.
     * Not through {@code File.toURI()}: for an existing directory that appends a '/', and a Hadoop
     * path ending in '/' has an empty name, so a sibling built from it lands inside the directory.
     */
    public static Path path(String location) {
        URI uri = URI.create(location.replace(" ", "%20"));
        if (uri.getScheme() == null) {
            return new Path(
                    "file",
                    null,
                    new java.io.File(location)
                            .getAbsoluteFile()
                            .toPath()
                            .normalize()
                            .toString());
        }
        return new Path(location);
    }

    /** Writes a small UTF-8 text file (replacing it). */
    public static void writeText(FileSystem fs, Path file, String text) {
        try (org.apache.hadoop.fs.FSDataOutputStream out = fs.create(file, true)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static FileSystem fs(Path path, Configuration conf) {
        try {
            return path.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open file system for " + path + ": " + e.getMessage(), e);
        }
    }
}
