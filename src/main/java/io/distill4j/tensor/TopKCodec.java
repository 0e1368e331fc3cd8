package io.distill4j.tensor;

import java.util.Arrays;

/**
 * {@code topk:k}: per pixel, the k largest class logits in fp16 with their class indices, plus one fp16
 * "rest" value that stands in for every dropped logit.
 *
 * <p><b>Rest value.</b> With m the largest dropped logit and D the set of the C-k dropped channels,
 * {@code r = m + ln( (1/(C-k)) * sum_{c in D} exp(x_c - m) )}, the log-mean-exp of the dropped logits.
 * Then {@code (C-k) * exp(r)} equals {@code sum_{c in D} exp(x_c)}, so at temperature 1 the
 * reconstructed softmax gives the kept classes and the tail exactly their true probabilities (up to
 * fp16 rounding of the stored values); only the split of mass inside the tail is flattened. At another
 * temperature tau the tail mass becomes {@code (C-k) exp(r/tau)}, which by the power-mean inequality
 * is at most the true {@code sum exp(x_c/tau)} for tau &lt; 1 and at least it for tau &gt; 1 — the
 * error grows with the spread of the dropped logits and vanishes when they are equal. Because r is
 * at most m, the decoded tail never outranks a kept class.
 *
 * <p><b>Ties.</b> Channels are scanned in ascending index order and a value displaces a kept one
 * only when strictly greater, so among equal logits the lower channel index is kept and listed first.
 *
 * <p><b>Layout</b> (docs/cache-format.md): {@code data} is fp16 little-endian of shape {@code (k+1, H, W)}:
 * planes 0..k-1 hold the j-th largest logit at each pixel (descending), plane k the rest value.
 * {@code topk_idx} has shape {@code (k, H, W)}: the channel of the j-th largest logit, as uint8 when
 * C &lt;= 256, else uint16 little-endian. Decoding writes r to every channel, then the k kept values.
 *
 * <p>Encoding needs k &lt; C, C &lt;= 65536, and finite logits whose kept values and rest value fit in
 * fp16 (|x| &lt; 65520); otherwise it fails naming the pixel.
 */
public final class TopKCodec implements TensorCodec {
    /** Spec prefix; the full name is {@code topk:k}. */
    public static final String PREFIX = "topk:";
    /** Largest channel count a uint16 index addresses. */
    public static final int MAX_CHANNELS = 65536;

    private final int k;
    private final String name;

    /** @param k the number of classes kept per pixel, at least 1 */
    public TopKCodec(int k) {
        if (k < 1 || k >= MAX_CHANNELS) {
            throw new IllegalArgumentException("topk codec needs 1 <= k < " + MAX_CHANNELS + ", got k=" + k);
        }
        this.k = k;
        this.name = PREFIX + k;
    }

    /** The number of classes kept per pixel. */
    public int k() {
        return k;
    }

    @Override
    public String name() {
        return name;
    }

    /** Bytes per class index for a tensor with {@code channels} channels: 1 up to 256 channels, else 2. */
    public static int indexBytes(int channels) {
        return channels <= 256 ? 1 : 2;
    }

    @Override
    public EncodedTensor encode(float[] chw, int[] shape) {
        ChwShape.checkInput(chw, shape);
        int channels = shape[0];
        int width = shape[2];
        int plane = shape[1] * width;
        if (k >= channels) {
            throw new IllegalArgumentException(name + " keeps k=" + k + " of C=" + channels + " channels (shape "
                    + Arrays.toString(shape) + "): k must be less than C; use fp16 to store every channel");
        }
        if (channels > MAX_CHANNELS) {
            throw new IllegalArgumentException(name + " indexes at most " + MAX_CHANNELS + " channels, shape "
                    + Arrays.toString(shape) + " has " + channels);
        }
        int idxBytes = indexBytes(channels);
        byte[] data = new byte[2 * (k + 1) * plane];
        byte[] idx = new byte[idxBytes * k * plane];
        // Per-pixel scratch, allocated once per tensor: top k+1 (the extra one is the largest dropped).
        float[] topVal = new float[k + 1];
        int[] topIdx = new int[k + 1];
        int[] keptAt = new int[channels];
        Arrays.fill(keptAt, -1);
        for (int p = 0; p < plane; p++) {
            int count = 0;
            for (int c = 0, at = p; c < channels; c++, at += plane) {
                float v = chw[at];
                if (!Float.isFinite(v)) throw nonFinite(v, c, p, width, shape);
                if (count <= k) {
                    count++;
                } else if (!(v > topVal[k])) {
                    continue;
                }
                int pos = count - 1;
                while (pos > 0 && topVal[pos - 1] < v) {
                    topVal[pos] = topVal[pos - 1];
                    topIdx[pos] = topIdx[pos - 1];
                    pos--;
                }
                topVal[pos] = v;
                topIdx[pos] = c;
            }
            for (int j = 0; j < k; j++) keptAt[topIdx[j]] = p;
            double maxDropped = topVal[k];
            double sum = 0.0;
            for (int c = 0, at = p; c < channels; c++, at += plane) {
                if (keptAt[c] != p) sum += Math.exp(chw[at] - maxDropped);
            }
            float rest = (float) (maxDropped + Math.log(sum / (channels - k)));
            for (int j = 0; j < k; j++) {
                putHalf(data, j * plane + p, topVal[j], p, width, shape);
                int o = (j * plane + p) * idxBytes;
                idx[o] = (byte) topIdx[j];
                if (idxBytes == 2) idx[o + 1] = (byte) (topIdx[j] >>> 8);
            }
            putHalf(data, k * plane + p, rest, p, width, shape);
        }
        return new EncodedTensor(name, shape.clone(), data, null, idx);
    }

    private void putHalf(byte[] data, int element, float v, int p, int width, int[] shape) {
        short h = Half.fromFloat(v);
        if (Half.isNonFinite(h)) {
            throw new IllegalArgumentException(name + ": value " + v + " at pixel (h=" + p / width + ", w=" + p % width
                    + ") of shape " + Arrays.toString(shape) + " overflows fp16 (|x| must stay below 65520)");
        }
        data[2 * element] = (byte) h;
        data[2 * element + 1] = (byte) (h >>> 8);
    }

    private IllegalArgumentException nonFinite(float v, int c, int p, int width, int[] shape) {
        return new IllegalArgumentException(name + " needs finite logits; channel " + c + " at pixel (h=" + p / width
                + ", w=" + p % width + ") of shape " + Arrays.toString(shape) + " is " + v);
    }

    @Override
    public void decodeInto(EncodedTensor encoded, float[] out) {
        checkCodec(encoded);
        int[] shape = encoded.shape();
        ChwShape.checkOutput(out, shape);
        int channels = shape[0];
        int plane = shape[1] * shape[2];
        if (k >= channels) {
            throw new IllegalArgumentException(name + " tensor of shape " + Arrays.toString(shape)
                    + ": expected more than k=" + k + " channels, found C=" + channels);
        }
        int idxBytes = indexBytes(channels);
        byte[] data = encoded.data();
        byte[] idx = encoded.topkIdx();
        PayloadCheck.bytes(name, "data", data, 2L * (k + 1) * plane, shape);
        PayloadCheck.bytes(name, "topk_idx", idx, (long) idxBytes * k * plane, shape);
        PayloadCheck.absent(name, "scale", encoded.scale(), shape);
        // The rest plane goes to channel 0, then is copied to every other channel; the kept values overwrite.
        int restBase = 2 * k * plane;
        for (int p = 0; p < plane; p++) out[p] = halfAt(data, restBase + 2 * p);
        for (int c = 1; c < channels; c++) System.arraycopy(out, 0, out, c * plane, plane);
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < plane; p++) {
                int e = j * plane + p;
                int c = idxBytes == 1 ? idx[e] & 0xff : (idx[2 * e] & 0xff) | ((idx[2 * e + 1] & 0xff) << 8);
                if (c >= channels) {
                    throw new IllegalArgumentException(name + " tensor of shape " + Arrays.toString(shape)
                            + ": column topk_idx expected a channel index below " + channels + ", found " + c
                            + " at rank " + j + ", pixel " + p);
                }
                out[c * plane + p] = halfAt(data, 2 * e);
            }
        }
    }

    private static float halfAt(byte[] data, int b) {
        return Half.toFloat((short) ((data[b] & 0xff) | (data[b + 1] << 8)));
    }
}
