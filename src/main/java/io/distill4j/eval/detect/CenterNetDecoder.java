package io.distill4j.eval.detect;

import io.distill4j.eval.coco.CocoDetection;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one image's CenterNet head output into detections in original image pixels with COCO
 * category ids. Head contract (CHW float arrays, output grid h x w = input / stride):
 * {@code heatmap} [K, h, w] logits; {@code reg} [4, h, w] = box width, box height, dx, dy in grid
 * units, offsets in [0, 1); centre = (x + dx, y + dy) * stride.
 *
 * <p>Steps: 3x3 max-pool peak extraction (a cell is kept when no neighbour is larger), top-K over
 * all classes, score = sigmoid(logit) >= threshold, boxes scaled to input pixels then by
 * (origW / inputW, origH / inputH). Boxes are not clipped to the image, as in CenterNet.
 */
public final class CenterNetDecoder {
    private final int[] categoryIds;
    private final int stride;
    private final int topK;
    private final double scoreThreshold;

    /**
     * @param categoryIds    COCO category id of each contiguous class index (length K)
     * @param stride         input pixels per output cell
     * @param topK           most detections kept per image (CenterNet uses 100)
     * @param scoreThreshold lowest sigmoid score kept
     */
    public CenterNetDecoder(int[] categoryIds, int stride, int topK, double scoreThreshold) {
        if (categoryIds.length == 0) throw new IllegalArgumentException("categoryIds must not be empty");
        if (stride < 1) throw new IllegalArgumentException("stride must be at least 1, got " + stride);
        if (topK < 1) throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        this.categoryIds = categoryIds.clone();
        this.stride = stride;
        this.topK = topK;
        this.scoreThreshold = scoreThreshold;
    }

    public int numClasses() {
        return categoryIds.length;
    }

    /**
     * @param heatmapLogits [K*h*w], CHW
     * @param reg           [4*h*w], CHW: width, height, dx, dy
     * @param scaleX        origW / inputW
     * @param scaleY        origH / inputH
     * @return detections, highest score first (ties: lower class, then row-major position)
     */
    public List<CocoDetection> decode(
            long imageId, float[] heatmapLogits, float[] reg, int h, int w, double scaleX, double scaleY) {
        int K = categoryIds.length;
        int hw = h * w;
        if (heatmapLogits.length != K * hw) {
            throw new IllegalArgumentException(
                    "heatmap has " + heatmapLogits.length + " values, expected K*h*w = " + K + "*" + h + "*" + w);
        }
        if (reg.length != 4 * hw) {
            throw new IllegalArgumentException("reg has " + reg.length + " values, expected 4*h*w = 4*" + h + "*" + w);
        }
        // Peaks are found on logits: sigmoid is monotone so the peaks are the same, and float
        // sigmoid saturates to 1.0 for large logits, which would turn distinct peaks into plateaus.
        TopK best = new TopK(topK);
        for (int c = 0; c < K; c++) {
            int off = c * hw;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = heatmapLogits[off + y * w + x];
                    if (isLocalMax(heatmapLogits, off, h, w, y, x, v)) best.offer(v, off + y * w + x);
                }
            }
        }
        List<CocoDetection> out = new ArrayList<>();
        for (int j = 0; j < best.size(); j++) {
            double score = sigmoid(best.value(j));
            if (score < scoreThreshold) continue;
            int index = best.index(j);
            int c = index / hw;
            int cell = index % hw;
            int y = cell / w;
            int x = cell % w;
            double bw = reg[cell] * stride;
            double bh = reg[hw + cell] * stride;
            double cx = (x + reg[2 * hw + cell]) * stride;
            double cy = (y + reg[3 * hw + cell]) * stride;
            out.add(new CocoDetection(
                    imageId,
                    categoryIds[c],
                    (cx - bw / 2) * scaleX,
                    (cy - bh / 2) * scaleY,
                    bw * scaleX,
                    bh * scaleY,
                    score));
        }
        return out;
    }

    private static boolean isLocalMax(float[] a, int off, int h, int w, int y, int x, float v) {
        for (int dy = -1; dy <= 1; dy++) {
            int yy = y + dy;
            if (yy < 0 || yy >= h) continue;
            for (int dx = -1; dx <= 1; dx++) {
                int xx = x + dx;
                if (xx < 0 || xx >= w) continue;
                if (a[off + yy * w + xx] > v) return false;
            }
        }
        return true;
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** The k largest values with their indices; on equal values the earlier index wins. */
    private static final class TopK {
        private final float[] values;
        private final int[] indices;
        private int size;

        TopK(int k) {
            values = new float[k];
            indices = new int[k];
        }

        void offer(float v, int index) {
            if (size == values.length && !(v > values[size - 1])) return;
            int pos = size == values.length ? size - 1 : size++;
            while (pos > 0 && v > values[pos - 1]) {
                values[pos] = values[pos - 1];
                indices[pos] = indices[pos - 1];
                pos--;
            }
            values[pos] = v;
            indices[pos] = index;
        }

        int size() {
            return size;
        }

        float value(int j) {
            return values[j];
        }

        int index(int j) {
            return indices[j];
        }
    }
}
