package io.distill4j.data;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Whole-file reads and writes through Hadoop {@link FileSystem}, so file://, hdfs:// and s3a:// behave alike. */
public final class DataFiles {
    /** Larger than any real dataset image or label file; guards against reading a wrong huge file into memory. */
    private static final long MAX_FILE_BYTES = 256L << 20;

    private DataFiles() {}

    /** Reads a whole file. */
    public static byte[] readAll(FileSystem fs, Path file) throws IOException {
        long length = fs.getFileStatus(file).getLen();
        if (length > MAX_FILE_BYTES) {
            throw new IOException("file " + file + " has " + length + " bytes, more than the " + MAX_FILE_BYTES
                    + " allowed for one sample file");
        }
        byte[] bytes = new byte[(int) length];
        try (FSDataInputStream in = fs.open(file)) {
            in.readFully(0, bytes);
        }
        return bytes;
    }

    /** Writes (or overwrites) a whole file, creating parent directories. */
    public static void write(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(file, true)) {
            out.write(bytes);
        }
    }
}
