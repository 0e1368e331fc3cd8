package io.distill4j.storage;

import io.distill4j.data.LabelColumns;
import io.distill4j.data.ShardRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * Lists and reads the Parquet files of one shard split without Spark SQL, for tasks that process
 * one shard file each (cache-teacher) and must know which file a row came from.
 */
public final class ShardFiles {
    private ShardFiles() {}

    /** The {@code part-*.parquet} files of {@code shards/<split>}, sorted by name. */
    public static List<Path> list(FileSystem fs, Path shardsRoot, String split) {
        Path dir = new Path(shardsRoot, split);
        try {
            if (!fs.exists(dir)) {
                throw new StageOutputException(
                        "shards " + shardsRoot + " have no split '" + split + "' (no " + dir + ")");
            }
            FileStatus[] st = fs.listStatus(
                    dir, p -> p.getName().startsWith("part-") && p.getName().endsWith(".parquet"));
            List<Path> files = new ArrayList<>();
            Arrays.stream(st)
                    .sorted(Comparator.comparing(s -> s.getPath().getName()))
                    .forEach(s -> files.add(s.getPath()));
            return files;
        } catch (IOException e) {
            throw new StageOutputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads every sample of one shard file. */
    public static List<ShardRecord> read(Configuration conf, Path file) {
        List<ShardRecord> out = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file)
                .withConf(conf)
                .build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) out.add(toRecord(g));
        } catch (IOException | RuntimeException e) {
            throw new StageOutputException(
                    "cannot read shard file " + file + " (truncated or not a distill4j shard?): " + e.getMessage(), e);
        }
        return out;
    }

    private static ShardRecord toRecord(Group g) {
        String sampleId = g.getString("sample_id", 0);
        LabelColumns labels = new LabelColumns(
                has(g, "seg_label") ? g.getBinary("seg_label", 0).getBytes() : null,
                has(g, "boxes") ? floats(g.getGroup("boxes", 0)) : null,
                has(g, "category_ids") ? ints(g.getGroup("category_ids", 0)) : null,
                has(g, "areas") ? floats(g.getGroup("areas", 0)) : null,
                has(g, "iscrowd") ? bools(g.getGroup("iscrowd", 0)) : null,
                g.getLong("image_id", 0));
        return new ShardRecord(
                sampleId,
                g.getString("dataset", 0),
                g.getString("split", 0),
                g.getInteger("height", 0),
                g.getInteger("width", 0),
                g.getInteger("orig_height", 0),
                g.getInteger("orig_width", 0),
                g.getBinary("image", 0).getBytes(),
                labels.labels(sampleId),
                g.getString("source_uri", 0));
    }

    private static boolean has(Group g, String field) {
        return g.getType().containsField(field) && g.getFieldRepetitionCount(field) > 0;
    }

    private static float[] floats(Group list) {
        int n = list.getFieldRepetitionCount("list");
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = list.getGroup("list", i).getFloat("element", 0);
        return a;
    }

    private static int[] ints(Group list) {
        int n = list.getFieldRepetitionCount("list");
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = list.getGroup("list", i).getInteger("element", 0);
        return a;
    }

    private static boolean[] bools(Group list) {
        int n = list.getFieldRepetitionCount("list");
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) a[i] = list.getGroup("list", i).getBoolean("element", 0);
        return a;
    }
}
