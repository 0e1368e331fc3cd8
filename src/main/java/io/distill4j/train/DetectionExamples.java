package io.distill4j.train;

import io.distill4j.data.DetectionLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.detect.CenterNetTargets;
import io.distill4j.model.TapInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns one COCO shard sample (and its decoded teacher outputs) into a one-example
 * {@link MultiDataSet} whose labels follow {@link DetectionObjective#outputNames()}: CenterNet
 * targets encoded from the sample's boxes at the model's output stride, then the teacher maps.
 * Pure and Spark-free, like {@link Examples}.
 */
public final class DetectionExamples {
    private DetectionExamples() {}

    /**
     * The CenterNet targets of a sample: non-crowd boxes (crowd regions are not single objects to
     * centre a peak on), each category id mapped to its heatmap channel.
     *
     * @param categoryIds the COCO category id of each heatmap channel
     */
    public static CenterNetTargets.Targets targets(ShardRecord r, int[] categoryIds, int stride) {
        DetectionLabels labels = r.detection();
        Map<Integer, Integer> channel = new HashMap<>();
        for (int i = 0; i < categoryIds.length; i++) channel.put(categoryIds[i], i);
        float[] flat = labels.boxes();
        int[] ids = labels.categoryIds();
        boolean[] crowd = labels.iscrowd();
        List<double[]> boxes = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (crowd[i]) continue;
            Integer c = channel.get(ids[i]);
            if (c == null) {
                throw new IllegalArgumentException("sample " + r.sampleId() + ": category id " + ids[i]
                        + " is not among the shard manifest's categories " + java.util.Arrays.toString(categoryIds));
            }
            boxes.add(new double[] {flat[4 * i], flat[4 * i + 1], flat[4 * i + 2], flat[4 * i + 3]});
            classes.add(c);
        }
        return CenterNetTargets.encode(
                boxes.toArray(new double[0][]),
                classes.stream().mapToInt(Integer::intValue).toArray(),
                categoryIds.length,
                r.height(),
                r.width(),
                stride);
    }

    /**
     * @param teacher decoded teacher outputs by name (CHW floats); may be empty for teacher training
     */
    public static MultiDataSet build(ShardRecord r, DetectionObjective objective, Map<String, float[]> teacher) {
        CenterNetTargets.Targets t = targets(r, objective.categoryIds(), objective.stride());
        TapInfo heatmap = objective.heatmap();
        if (t.height() != heatmap.height() || t.width() != heatmap.width()) {
            throw new IllegalStateException("sample " + r.sampleId() + ": targets are " + t.height() + "x" + t.width()
                    + " but the heatmap is " + heatmap.height() + "x" + heatmap.width());
        }
        int hw = t.height() * t.width();
        List<INDArray> labels = new ArrayList<>();
        labels.add(row(t.heatmap()));
        labels.add(row(concat(slice(t.reg(), 0, 2 * hw), t.mask())));
        labels.add(row(concat(slice(t.reg(), 2 * hw, 2 * hw), t.mask())));
        for (DetectionObjective.Term term : objective.terms()) {
            String name = term.teacherTap().name();
            float[] values = teacher.get(name);
            if (values == null) {
                throw new IllegalStateException("sample " + r.sampleId() + ": no teacher output '" + name + "'");
            }
            if (values.length != term.teacherTap().flatSize()) {
                throw new IllegalStateException(
                        "sample " + r.sampleId() + ": teacher output '" + name + "' has " + values.length
                                + " values, expected " + term.teacherTap().flatSize());
            }
            labels.add(row(term.centreMasked() ? concat(values, t.mask()) : values));
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {Examples.image(r)}, labels.toArray(new INDArray[0]));
    }

    private static INDArray row(float[] values) {
        return Nd4j.create(values, new long[] {1, values.length}, 'c');
    }

    private static float[] slice(float[] a, int from, int length) {
        float[] out = new float[length];
        System.arraycopy(a, from, out, 0, length);
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
