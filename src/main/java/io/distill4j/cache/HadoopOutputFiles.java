package io.distill4j.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;

/** Parquet {@link OutputFile} for a Hadoop path (any file system). */
final class HadoopOutputFiles {
    private HadoopOutputFiles() {}

    static OutputFile of(Path path, Configuration conf) {
        try {
            return HadoopOutputFile.fromPath(path, conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path + " for writing", e);
        }
    }
}
