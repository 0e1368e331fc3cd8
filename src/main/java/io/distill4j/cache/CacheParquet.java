package io.distill4j.cache;

import io.distill4j.tensor.EncodedTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Reads and writes teacher-cache Parquet files from inside Spark tasks.
 *
 * <p>Why not Spark's DataFrame writer: the cache is written one file per input shard by the task
 * that ran the teacher on it, and each file is committed by rename as soon as it is complete.
 * That makes cache-teacher resumable at shard granularity (a rerun skips shards whose file
 * exists) and makes "every sample cached exactly once" hold by construction (file names are
 * derived from the input shard, so a retried task replaces rather than adds). The schema uses
 * Parquet's standard 3-level LIST layout, which Spark, DuckDB and pyarrow read as arrays.
 */
public final class CacheParquet {
    public static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("sample_id")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("output")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("view")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("codec")
            .requiredList()
            .requiredElement(PrimitiveTypeName.INT32)
            .named("shape")
            .required(PrimitiveTypeName.BINARY)
            .named("data")
            .optionalList()
            .requiredElement(PrimitiveTypeName.FLOAT)
            .named("scale")
            .optional(PrimitiveTypeName.BINARY)
            .named("topk_idx")
            .named("teacher_cache");

    private CacheParquet() {}

    /** Writes rows to {@code file} through a temporary sibling renamed into place when complete. */
    public static void writeAtomically(
            FileSystem fs, Configuration conf, Path file, List<CacheRow> rows, CompressionCodecName compression) {
        writeAtomically(fs, conf, file, rows, compression, Map.of());
    }

    /** As above, with {@code footer} (e.g. {@link CacheFooter}) in the file's key-value metadata. */
    public static void writeAtomically(
            FileSystem fs,
            Configuration conf,
            Path file,
            List<CacheRow> rows,
            CompressionCodecName compression,
            Map<String, String> footer) {
        Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp-" + UUID.randomUUID());
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try {
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFiles.of(tmp, conf))
                    .withType(SCHEMA)
                    .withConf(conf)
                    .withCompressionCodec(compression)
                    .withExtraMetaData(footer)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build()) {
                for (CacheRow r : rows) w.write(toGroup(groups, r));
            }
            if (fs.exists(file)) fs.delete(file, false);
            if (!fs.rename(tmp, file)) throw new IOException("rename " + tmp + " -> " + file + " failed");
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the original failure is the one to report
            }
            throw new UncheckedIOException("cannot write teacher cache file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Group toGroup(SimpleGroupFactory groups, CacheRow r) {
        Group g = groups.newGroup();
        EncodedTensor t = r.tensor();
        g.append("sample_id", r.sampleId())
                .append("output", r.output())
                .append("view", r.view())
                .append("codec", t.codec());
        Group shape = g.addGroup("shape");
        for (int d : t.shape()) shape.addGroup("list").append("element", d);
        g.append("data", Binary.fromConstantByteArray(t.data()));
        if (t.scale() != null) {
            Group scale = g.addGroup("scale");
            for (float s : t.scale()) scale.addGroup("list").append("element", s);
        }
        if (t.topkIdx() != null) g.append("topk_idx", Binary.fromConstantByteArray(t.topkIdx()));
        return g;
    }

    /** Reads every row of one cache file. */
    public static List<CacheRow> read(Configuration conf, Path file) {
        List<CacheRow> rows = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file)
                .withConf(conf)
                .build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                Group shapeG = g.getGroup("shape", 0);
                int[] shape = new int[shapeG.getFieldRepetitionCount("list")];
                for (int i = 0; i < shape.length; i++)
                    shape[i] = shapeG.getGroup("list", i).getInteger("element", 0);
                float[] scale = null;
                if (g.getFieldRepetitionCount("scale") > 0) {
                    Group sg = g.getGroup("scale", 0);
                    scale = new float[sg.getFieldRepetitionCount("list")];
                    for (int i = 0; i < scale.length; i++)
                        scale[i] = sg.getGroup("list", i).getFloat("element", 0);
                }
                byte[] topk = g.getFieldRepetitionCount("topk_idx") > 0
                        ? g.getBinary("topk_idx", 0).getBytes()
                        : null;
                rows.add(new CacheRow(
                        g.getString("sample_id", 0),
                        g.getString("output", 0),
                        g.getString("view", 0),
                        new EncodedTensor(
                                g.getString("codec", 0),
                                shape,
                                g.getBinary("data", 0).getBytes(),
                                scale,
                                topk)));
            }
        } catch (IOException | RuntimeException e) {
            throw new CacheFormatException("cannot read teacher cache file " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** Row count from the footer alone (no data pages read). */
    public static long rowCount(Configuration conf, Path file) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            return r.getFooter().getBlocks().stream()
                    .mapToLong(BlockMetaData::getRowCount)
                    .sum();
        } catch (IOException | RuntimeException e) {
            throw new CacheFormatException("cannot read Parquet footer of " + file + ": " + e.getMessage(), e);
        }
    }
}
