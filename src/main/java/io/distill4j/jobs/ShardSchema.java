package io.distill4j.jobs;

import io.distill4j.data.LabelColumns;
import io.distill4j.data.ShardRecord;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * The Parquet layout of training shards (docs/data-formats.md documents every column). Only
 * plain types, so DuckDB, pyarrow and Spark read the shards without distill4j.
 */
public final class ShardSchema {
    /** The image column holds uint8 RGB in CHW order after resize (measured faster than PNG; README). */
    public static final String IMAGE_FORMAT = "uint8-chw-rgb";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("sample_id", DataTypes.StringType, false),
        DataTypes.createStructField("dataset", DataTypes.StringType, false),
        DataTypes.createStructField("split", DataTypes.StringType, false),
        DataTypes.createStructField("height", DataTypes.IntegerType, false),
        DataTypes.createStructField("width", DataTypes.IntegerType, false),
        DataTypes.createStructField("orig_height", DataTypes.IntegerType, false),
        DataTypes.createStructField("orig_width", DataTypes.IntegerType, false),
        DataTypes.createStructField("image", DataTypes.BinaryType, false),
        DataTypes.createStructField("seg_label", DataTypes.BinaryType, true),
        DataTypes.createStructField("boxes", DataTypes.createArrayType(DataTypes.FloatType, false), true),
        DataTypes.createStructField("category_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField("areas", DataTypes.createArrayType(DataTypes.FloatType, false), true),
        DataTypes.createStructField("iscrowd", DataTypes.createArrayType(DataTypes.BooleanType, false), true),
        DataTypes.createStructField("image_id", DataTypes.LongType, false),
        DataTypes.createStructField("source_uri", DataTypes.StringType, false),
    });

    private ShardSchema() {}

    public static Row toRow(ShardRecord r) {
        LabelColumns labels = LabelColumns.of(r.labels());
        return RowFactory.create(
                r.sampleId(),
                r.dataset(),
                r.split(),
                r.height(),
                r.width(),
                r.origHeight(),
                r.origWidth(),
                r.image(),
                labels.segLabel(),
                boxed(labels.boxes()),
                boxed(labels.categoryIds()),
                boxed(labels.areas()),
                boxed(labels.iscrowd()),
                labels.imageId(),
                r.sourceUri());
    }

    /** @throws IllegalArgumentException naming the sample when its label columns are not one kind's */
    public static ShardRecord fromRow(Row row) {
        String sampleId = row.getString(0);
        LabelColumns labels = new LabelColumns(
                row.isNullAt(8) ? null : (byte[]) row.get(8),
                row.isNullAt(9) ? null : floats(row.getList(9)),
                row.isNullAt(10) ? null : ints(row.getList(10)),
                row.isNullAt(11) ? null : floats(row.getList(11)),
                row.isNullAt(12) ? null : bools(row.getList(12)),
                row.getLong(13));
        return new ShardRecord(
                sampleId,
                row.getString(1),
                row.getString(2),
                row.getInt(3),
                row.getInt(4),
                row.getInt(5),
                row.getInt(6),
                (byte[]) row.get(7),
                labels.labels(sampleId),
                row.getString(14));
    }

    // Spark's row encoder takes arrays as Scala Seqs (a java.util.List fails with ClassCastException).
    private static Seq<Float> boxed(float[] a) {
        if (a == null) return null;
        List<Float> b = new java.util.ArrayList<>(a.length);
        for (float v : a) b.add(v);
        return JavaConverters.asScalaBuffer(b).toSeq();
    }

    private static Seq<Integer> boxed(int[] a) {
        if (a == null) return null;
        return JavaConverters.asScalaBuffer(java.util.Arrays.stream(a).boxed().toList())
                .toSeq();
    }

    private static Seq<Boolean> boxed(boolean[] a) {
        if (a == null) return null;
        List<Boolean> b = new java.util.ArrayList<>(a.length);
        for (boolean v : a) b.add(v);
        return JavaConverters.asScalaBuffer(b).toSeq();
    }

    private static float[] floats(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    private static int[] ints(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    private static boolean[] bools(List<Boolean> l) {
        boolean[] a = new boolean[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
