package io.distill4j.jobs;

import io.distill4j.cache.ModelForward;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.coco.CocoDetection;
import io.distill4j.eval.detect.CenterNetDecoder;
import io.distill4j.eval.detect.ShardBoxes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Detections of a CenterNet-style network ({@link io.distill4j.model.DetectionModel}) on shard
 * samples, in the COCO results form: the {@code heatmap} and {@code reg} vertices are read
 * (NCHW, before any loss layer flattens them), decoded by {@link CenterNetDecoder} (3x3 peaks,
 * top-K, score threshold) and mapped to the ORIGINAL image pixels and COCO category ids.
 */
public final class DetectionPredictor implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Vertex of the class heatmap logits in every distill4j detection model. */
    public static final String HEATMAP_VERTEX = "heatmap";
    /** Vertex of the box regression (w, h, dx, dy in grid units). */
    public static final String REG_VERTEX = "reg";

    private final int[] categoryIds;
    private final int maxDetections;
    private final double scoreThreshold;

    /**
     * @param categoryIds    COCO category id of each heatmap channel
     * @param maxDetections  top-K per image
     * @param scoreThreshold lowest score kept
     */
    public DetectionPredictor(int[] categoryIds, int maxDetections, double scoreThreshold) {
        this.categoryIds = categoryIds.clone();
        this.maxDetections = maxDetections;
        this.scoreThreshold = scoreThreshold;
        new CenterNetDecoder(categoryIds, 1, maxDetections, scoreThreshold); // validates the settings here
    }

    /** Detections per sample (highest score first), computed in minibatches of {@code batchSize}. */
    public List<List<CocoDetection>> predict(ComputationGraph net, List<ShardRecord> samples, int batchSize) {
        return predict(ModelForward.of(net), samples, batchSize);
    }

    /** The same with any engine whose forward pass names the heads {@value #HEATMAP_VERTEX} and {@value #REG_VERTEX}. */
    public List<List<CocoDetection>> predict(ModelForward net, List<ShardRecord> samples, int batchSize) {
        List<List<CocoDetection>> out = new ArrayList<>(samples.size());
        for (int from = 0; from < samples.size(); from += batchSize) {
            List<ShardRecord> batch = samples.subList(from, Math.min(samples.size(), from + batchSize));
            Map<String, INDArray> acts = net.apply(batch);
            INDArray heat = nchw(acts, HEATMAP_VERTEX);
            INDArray reg = nchw(acts, REG_VERTEX);
            if (heat.size(1) != categoryIds.length) {
                throw new IllegalArgumentException("the model's '" + HEATMAP_VERTEX + "' has " + heat.size(1)
                        + " channels but the shards have " + categoryIds.length + " categories");
            }
            int h = (int) heat.size(2);
            int w = (int) heat.size(3);
            for (int i = 0; i < batch.size(); i++) {
                out.add(decode(batch.get(i), sample(heat, i), sample(reg, i), h, w));
            }
        }
        return out;
    }

    /**
     * One sample's head output (CHW float arrays on an {@code h x w} grid) as detections in the
     * original image's pixels. The stride is the shard size over the grid size.
     */
    public List<CocoDetection> decode(ShardRecord r, float[] heatmapLogits, float[] reg, int h, int w) {
        if (r.width() % w != 0 || r.height() % h != 0 || r.width() / w != r.height() / h) {
            throw new IllegalArgumentException("sample " + r.sampleId() + ": a " + h + "x" + w + " head grid does not "
                    + "divide the " + r.height() + "x" + r.width() + " input by one stride");
        }
        CenterNetDecoder decoder = new CenterNetDecoder(categoryIds, r.width() / w, maxDetections, scoreThreshold);
        return decoder.decode(
                r.detection().imageId(), heatmapLogits, reg, h, w, ShardBoxes.scaleX(r), ShardBoxes.scaleY(r));
    }

    private static INDArray nchw(Map<String, INDArray> acts, String vertex) {
        INDArray a = acts.get(vertex);
        if (a == null || a.rank() != 4) {
            throw new IllegalArgumentException(
                    "the model has no NCHW '" + vertex + "' vertex (is it a detection model?)");
        }
        return a.castTo(DataType.FLOAT);
    }

    private static float[] sample(INDArray a, int i) {
        return a.get(NDArrayIndex.point(i)).dup('c').data().asFloat();
    }
}
