package io.distill4j.tensor;

import java.util.Arrays;

/**
 * What a codec costs and loses on one tensor: its cache bytes, the reconstruction error, and the
 * channel-softmax KL at chosen temperatures ({@link ChannelSoftmaxKl}).
 *
 * @param codec        codec spec
 * @param shape        {@code {C, H, W}}
 * @param encodedBytes bytes of data + scale + topk_idx for this tensor
 * @param maxAbsError  largest |x - decode(encode(x))| over all elements (for top-k it includes the dropped channels)
 * @param meanAbsError mean of the same
 * @param taus         temperatures the KL was measured at
 * @param meanKl       mean per-pixel KL(softmax(x/tau) || softmax(x^/tau)) for each of {@code taus}, in nats
 */
public record CodecReport(
        String codec,
        int[] shape,
        long encodedBytes,
        double maxAbsError,
        double meanAbsError,
        double[] taus,
        double[] meanKl) {

    /** Encodes and decodes {@code chw} with {@code codec} and measures the result. */
    public static CodecReport measure(TensorCodec codec, float[] chw, int[] shape, double... taus) {
        int n = ChwShape.checkInput(chw, shape);
        EncodedTensor encoded = codec.encode(chw, shape);
        float[] back = codec.decode(encoded);
        double max = 0.0;
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double e = Math.abs((double) chw[i] - back[i]);
            max = Math.max(max, e);
            sum += e;
        }
        double[] kl = new double[taus.length];
        for (int t = 0; t < taus.length; t++) kl[t] = ChannelSoftmaxKl.meanPixelKl(chw, back, shape, taus[t]);
        return new CodecReport(codec.name(), shape.clone(), encoded.payloadBytes(), max, sum / n, taus.clone(), kl);
    }

    /** Bytes the same tensor takes in fp32. */
    public long fp32Bytes() {
        return 4L * ChwShape.elementCount(shape);
    }

    /** fp32 bytes over encoded bytes: how many times smaller the cache gets. */
    public double compressionRatio() {
        return (double) fp32Bytes() / encodedBytes;
    }

    /** The KL measured at {@code tau}; an error when it was not one of {@link #taus()}. */
    public double klAt(double tau) {
        for (int t = 0; t < taus.length; t++) if (taus[t] == tau) return meanKl[t];
        throw new IllegalArgumentException("no KL measured at tau=" + tau + "; measured at " + Arrays.toString(taus));
    }
}
