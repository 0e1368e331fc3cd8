package io.distill4j.model;

/**
 * A named activation of a model that distillation can read, with its NCHW shape per sample.
 *
 * @param name       the tap's name in configurations ({@code stage2}, {@code logits}, ...)
 * @param vertexName the graph vertex whose output is the tap
 * @param channels   C
 * @param height     H (at the tap's stride, never upsampled)
 * @param width      W
 */
public record TapInfo(String name, String vertexName, int channels, int height, int width)
        implements java.io.Serializable {

    public TapInfo {
        if (name == null || name.isBlank() || vertexName == null || vertexName.isBlank()) {
            throw new IllegalArgumentException(
                    "tap name and vertexName must be non-blank, got name=" + name + " vertexName=" + vertexName);
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "tap '" + name + "' needs positive C,H,W, got " + channels + "x" + height + "x" + width);
        }
    }

    /** C*H*W: the row length of the tap once flattened for a LossLayer. */
    public int flatSize() {
        return channels * height * width;
    }

    /** {@code [batch, C, H, W]}. */
    public long[] shape(long batch) {
        return new long[] {batch, channels, height, width};
    }
}
