package io.distill4j.cache;

import io.distill4j.data.ShardRecord;
import io.distill4j.tensor.TensorCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs the teacher over samples in minibatches and returns the requested outputs per sample as
 * CHW float arrays: the pure core of cache-teacher (and of the online teacher mode of distill).
 */
public final class TeacherInference {
    private TeacherInference() {}

    /** The identity view: the whole resized image, not flipped. */
    public static String identityView(int height, int width) {
        return "crop=0,0," + height + "," + width + ";flip=0";
    }

    /**
     * @param outputs vertex names of the outputs to return (a tap's vertex, e.g. the logits conv)
     * @return per sample, output vertex name -> CHW floats
     */
    public static List<Map<String, float[]>> run(
            ComputationGraph teacher, List<ShardRecord> samples, List<String> outputs, int batchSize) {
        return run(ModelForward.of(teacher), samples, outputs, batchSize);
    }

    /**
     * The same with any engine.
     *
     * @param outputs the forward pass's names of the outputs to return (DL4J: vertices; ONNX: the mapped names)
     */
    public static List<Map<String, float[]>> run(
            ModelForward teacher, List<ShardRecord> samples, List<String> outputs, int batchSize) {
        List<Map<String, float[]>> result = new ArrayList<>(samples.size());
        for (int from = 0; from < samples.size(); from += batchSize) {
            List<ShardRecord> batch = samples.subList(from, Math.min(samples.size(), from + batchSize));
            Map<String, INDArray> acts = teacher.apply(batch);
            for (int i = 0; i < batch.size(); i++) {
                Map<String, float[]> one = new LinkedHashMap<>();
                for (String o : outputs) {
                    INDArray a = acts.get(o);
                    if (a == null) throw new IllegalArgumentException("the teacher has no output '" + o + "'");
                    one.put(
                            o,
                            a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i))
                                    .castTo(DataType.FLOAT)
                                    .dup('c')
                                    .data()
                                    .asFloat());
                }
                result.add(one);
            }
        }
        return result;
    }

    /** Encodes one sample's outputs as cache rows. */
    public static List<CacheRow> rows(
            String sampleId,
            String view,
            Map<String, float[]> values,
            Map<String, int[]> shapes,
            Map<String, String> cacheNames,
            Map<String, TensorCodec> codecs) {
        List<CacheRow> rows = new ArrayList<>();
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            String vertex = e.getKey();
            rows.add(new CacheRow(
                    sampleId,
                    cacheNames.get(vertex),
                    view,
                    codecs.get(vertex).encode(e.getValue(), shapes.get(vertex))));
        }
        return rows;
    }
}
