package io.distill4j.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Key-value metadata in the footer of a Parquet file that another writer (Spark's DataFrame
 * writer, which has no option for it) already wrote: the row groups are copied as they are
 * (compressed pages, no decoding) into a sibling file that ends with the old metadata plus the new,
 * and the sibling replaces the file by rename.
 */
public final class ParquetFooters {
    private ParquetFooters() {}

    /** Adds {@code extra} to the footer of {@code file} (same keys are replaced); the data is unchanged. */
    public static void add(Configuration conf, Path file, Map<String, String> extra) {
        FileSystem fs = Storage.fs(file, conf);
        Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp-" + UUID.randomUUID());
        try {
            FileMetaData meta;
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
                meta = r.getFooter().getFileMetaData();
            }
            Map<String, String> kv = new LinkedHashMap<>(meta.getKeyValueMetaData());
            kv.putAll(extra);
            ParquetFileWriter w = new ParquetFileWriter(
                    HadoopOutputFile.fromPath(tmp, conf),
                    meta.getSchema(),
                    ParquetFileWriter.Mode.CREATE,
                    ParquetWriter.DEFAULT_BLOCK_SIZE,
                    ParquetWriter.MAX_PADDING_SIZE_DEFAULT);
            w.start();
            w.appendFile(HadoopInputFile.fromPath(file, conf));
            w.end(kv);
            if (!fs.delete(file, false)) throw new IOException("cannot replace " + file);
            if (!fs.rename(tmp, file)) throw new IOException("rename " + tmp + " -> " + file + " failed");
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the original failure is the one to report
            }
            throw new UncheckedIOException("cannot add key-value metadata to " + file + ": " + e.getMessage(), e);
        }
    }
}
