package io.distill4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.cache.ModelForward;
import io.distill4j.data.ShardRecord;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One ONNX Runtime forward pass over shard samples: each image made into the model's input by its
 * preprocessing, the mapped outputs returned under their distill4j names as NCHW float arrays.
 * Batches larger than the file's fixed batch axis are split.
 */
public final class OnnxForward implements ModelForward {
    private final OrtSession session;
    private final OnnxModelSpec spec;
    private final Set<String> requested;

    public OnnxForward(OrtSession session, OnnxModelSpec spec) {
        this.session = session;
        this.spec = spec;
        this.requested = new LinkedHashSet<>();
        for (OnnxOutput o : spec.outputs()) requested.add(o.onnxName());
    }

    @Override
    public Map<String, INDArray> apply(List<ShardRecord> batch) {
        if (batch.size() > spec.maxBatch()) {
            Map<String, List<INDArray>> parts = new LinkedHashMap<>();
            for (int from = 0; from < batch.size(); from += spec.maxBatch()) {
                apply(batch.subList(from, Math.min(batch.size(), from + spec.maxBatch())))
                        .forEach((k, v) -> parts.computeIfAbsent(k, x -> new java.util.ArrayList<>())
                                .add(v));
            }
            Map<String, INDArray> out = new LinkedHashMap<>();
            parts.forEach((k, v) -> out.put(k, Nd4j.concat(0, v.toArray(INDArray[]::new))));
            return out;
        }
        int h = spec.height();
        int w = spec.width();
        int n = batch.size();
        float[] input = new float[n * 3 * h * w];
        for (int i = 0; i < n; i++) {
            ShardRecord r = batch.get(i);
            if (r.height() != h || r.width() != w) {
                throw new OnnxModelException("sample " + r.sampleId() + " is " + r.height() + "x" + r.width() + " but "
                        + spec.source() + " takes " + h + "x" + w);
            }
            spec.preprocessing().apply(r.image(), h, w, input, i * 3 * h * w);
        }
        try (OnnxTensor x = OnnxTensor.createTensor(
                        OnnxSessions.environment(),
                        FloatBuffer.wrap(input),
                        spec.preprocessing().shape(n, h, w));
                OrtSession.Result result = session.run(Map.of(spec.input(), x), requested)) {
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (OnnxOutput o : spec.outputs()) {
                OnnxTensor t = (OnnxTensor) result.get(o.onnxName()).orElseThrow();
                FloatBuffer fb = t.getFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                out.put(o.name(), Nd4j.create(values, t.getInfo().getShape(), 'c'));
            }
            return out;
        } catch (OrtException e) {
            throw new OnnxModelException(
                    "ONNX Runtime failed on " + spec.source() + " (samples "
                            + batch.get(0).sampleId() + " ...): " + e.getMessage(),
                    e);
        }
    }
}
