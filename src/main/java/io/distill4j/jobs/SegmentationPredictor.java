package io.distill4j.jobs;

import io.distill4j.cache.ModelForward;
import io.distill4j.data.ShardRecord;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-pixel class predictions of a segmentation network at the shard resolution: logits at the
 * head's stride, bilinearly upsampled (half-pixel centres) and arg-maxed. Upsampling the logits
 * rather than the class map is what keeps thin classes (poles, signs) from vanishing.
 */
public final class SegmentationPredictor {
    private SegmentationPredictor() {}

    /** The vertex whose activations are the class logits in every distill4j segmentation model. */
    public static final String LOGITS_VERTEX = "logits";

    /**
     * trainId maps (H*W bytes) for each sample, computed in minibatches. Reads the logits vertex
     * (NCHW) rather than the network output, which a loss layer has flattened to [N, C*H*W].
     */
    public static List<byte[]> predict(ComputationGraph net, List<ShardRecord> samples, int batchSize) {
        return predict(ModelForward.of(net), samples, batchSize);
    }

    /** The same with any engine whose forward pass names the class logits {@value #LOGITS_VERTEX}. */
    public static List<byte[]> predict(ModelForward net, List<ShardRecord> samples, int batchSize) {
        List<byte[]> out = new ArrayList<>(samples.size());
        for (int from = 0; from < samples.size(); from += batchSize) {
            List<ShardRecord> batch = samples.subList(from, Math.min(samples.size(), from + batchSize));
            INDArray logits = net.apply(batch).get(LOGITS_VERTEX);
            if (logits == null || logits.rank() != 4) {
                throw new IllegalArgumentException(
                        "the model has no NCHW '" + LOGITS_VERTEX + "' vertex to predict from");
            }
            logits = logits.castTo(DataType.FLOAT);
            long c = logits.size(1);
            int h = (int) logits.size(2);
            int w = (int) logits.size(3);
            for (int i = 0; i < batch.size(); i++) {
                float[] l = logits.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i))
                        .dup('c')
                        .data()
                        .asFloat();
                ShardRecord r = batch.get(i);
                out.add(argmaxUpsampled(l, (int) c, h, w, r.height(), r.width()));
            }
        }
        return out;
    }

    /**
     * Bilinear upsampling of CHW logits to outH x outW followed by arg-max over channels,
     * computed one output pixel at a time so the full-resolution logits are never materialised.
     */
    public static byte[] argmaxUpsampled(float[] logits, int c, int h, int w, int outH, int outW) {
        byte[] pred = new byte[outH * outW];
        int plane = h * w;
        for (int y = 0; y < outH; y++) {
            double sy = Math.max(0, (y + 0.5) * h / outH - 0.5);
            int y0 = Math.min(h - 1, (int) sy);
            int y1 = Math.min(h - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = Math.max(0, (x + 0.5) * w / outW - 0.5);
                int x0 = Math.min(w - 1, (int) sx);
                int x1 = Math.min(w - 1, x0 + 1);
                double fx = sx - x0;
                double w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
                int best = 0;
                double bestV = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    int o = k * plane;
                    double v = w00 * logits[o + y0 * w + x0]
                            + w01 * logits[o + y0 * w + x1]
                            + w10 * logits[o + y1 * w + x0]
                            + w11 * logits[o + y1 * w + x1];
                    if (v > bestV) {
                        bestV = v;
                        best = k;
                    }
                }
                pred[y * outW + x] = (byte) best;
            }
        }
        return pred;
    }
}
