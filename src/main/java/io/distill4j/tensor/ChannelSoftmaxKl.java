package io.distill4j.tensor;

/**
 * KL divergence between two CHW tensors' per-pixel softmax distributions over channels, at a
 * temperature: the quantity pixel-wise KD (docs/methods.md) optimises, so it measures how much a
 * codec disturbs the distillation target. Computed in double with log-sum-exp, so peaked logits do not
 * underflow.
 */
public final class ChannelSoftmaxKl {
    private ChannelSoftmaxKl() {}

    /**
     * {@code (1/(H*W)) * sum_pixels KL(softmax_c(p/tau) || softmax_c(q/tau))}, in nats.
     *
     * @param reference the true tensor p, CHW
     * @param approx    the reconstructed tensor q, CHW, same shape
     * @param tau       temperature, positive
     */
    public static double meanPixelKl(float[] reference, float[] approx, int[] shape, double tau) {
        int n = ChwShape.checkInput(reference, shape);
        if (approx == null || approx.length < n) {
            throw new IllegalArgumentException(
                    "reconstructed tensor needs " + n + " floats, got " + (approx == null ? "null" : approx.length));
        }
        if (!(tau > 0)) throw new IllegalArgumentException("temperature must be positive, got " + tau);
        int channels = shape[0];
        int plane = shape[1] * shape[2];
        double inv = 1.0 / tau;
        double total = 0.0;
        for (int p = 0; p < plane; p++) {
            double maxP = Double.NEGATIVE_INFINITY;
            double maxQ = Double.NEGATIVE_INFINITY;
            for (int c = 0, at = p; c < channels; c++, at += plane) {
                maxP = Math.max(maxP, reference[at] * inv);
                maxQ = Math.max(maxQ, approx[at] * inv);
            }
            double sumP = 0.0;
            double sumQ = 0.0;
            for (int c = 0, at = p; c < channels; c++, at += plane) {
                sumP += Math.exp(reference[at] * inv - maxP);
                sumQ += Math.exp(approx[at] * inv - maxQ);
            }
            double lseP = maxP + Math.log(sumP);
            double lseQ = maxQ + Math.log(sumQ);
            double kl = 0.0;
            for (int c = 0, at = p; c < channels; c++, at += plane) {
                double logP = reference[at] * inv - lseP;
                double logQ = approx[at] * inv - lseQ;
                kl += Math.exp(logP) * (logP - logQ);
            }
            total += Math.max(kl, 0.0); // a rounding-level negative is zero divergence
        }
        return total / plane;
    }
}
