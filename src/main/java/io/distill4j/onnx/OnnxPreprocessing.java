package io.distill4j.onnx;

import io.distill4j.model.InputNormalization;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a model wants its input made from a shard image (uint8 RGB CHW): channel order, layout, and
 * {@code (x / scale - mean[c]) / std[c]} per channel of the model's order. {@code scale = 255}
 * gives 0-1 values before mean/std, {@code scale = 1} keeps 0-255.
 *
 * <p>The machine-readable form (config values and the {@code distill4j.preprocessing} metadata
 * of distill4j's ONNX convention) is {@code rgb;nchw;scale=255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225}:
 * tokens separated by {@code ;} in any order, channel order and layout as bare words.
 *
 * @param bgr  true when the model's first channel is blue
 * @param nhwc true for channels-last input
 */
public record OnnxPreprocessing(boolean bgr, boolean nhwc, float scale, float[] mean, float[] std)
        implements Serializable {

    /** What every distill4j model expects (InputNormalization): RGB, NCHW, x/255, ImageNet mean/std. */
    public static final OnnxPreprocessing DISTILL4J =
            new OnnxPreprocessing(false, false, 255f, InputNormalization.MEAN, InputNormalization.STD);

    public OnnxPreprocessing {
        if (!(scale > 0) || mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("preprocessing needs scale > 0 and three means and standard deviations");
        }
        for (float s : std)
            if (!(s > 0)) throw new IllegalArgumentException("every std must be > 0, got " + Arrays.toString(std));
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Parses the machine-readable form; "distill4j" names {@link #DISTILL4J}.
     *
     * @throws IllegalArgumentException naming the token that is wrong
     */
    public static OnnxPreprocessing parse(String text) {
        if (text.trim().equalsIgnoreCase("distill4j")) return DISTILL4J;
        Boolean bgr = null;
        Boolean nhwc = null;
        Float scale = null;
        float[] mean = null;
        float[] std = null;
        for (String raw : text.split(";")) {
            String t = raw.trim().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) continue;
            switch (t) {
                case "rgb", "bgr" -> bgr = t.equals("bgr");
                case "nchw", "nhwc" -> nhwc = t.equals("nhwc");
                default -> {
                    int eq = t.indexOf('=');
                    if (eq < 0) throw new IllegalArgumentException("unknown token '" + t + "' in '" + text + "'");
                    String key = t.substring(0, eq).trim();
                    String value = t.substring(eq + 1).trim();
                    switch (key) {
                        case "scale" -> scale = number(value, text);
                        case "mean" -> mean = three(value, text);
                        case "std" -> std = three(value, text);
                        default -> throw new IllegalArgumentException("unknown key '" + key + "' in '" + text + "'");
                    }
                }
            }
        }
        if (bgr == null || nhwc == null || scale == null || mean == null || std == null) {
            throw new IllegalArgumentException(
                    "'" + text + "' must name the channel order (rgb|bgr), the layout (nchw|nhwc), "
                            + "scale=, mean=r,g,b and std=r,g,b");
        }
        return new OnnxPreprocessing(bgr, nhwc, scale, mean, std);
    }

    private static float number(String v, String text) {
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a number in '" + text + "'");
        }
    }

    private static float[] three(String v, String text) {
        String[] parts = v.split(",");
        if (parts.length != 3)
            throw new IllegalArgumentException(
                    "expected three comma-separated numbers, got '" + v + "' in '" + text + "'");
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) out[i] = number(parts[i].trim(), text);
        return out;
    }

    /** The machine-readable form; {@link #parse} of it gives an equal record. */
    @Override
    public String toString() {
        return (bgr ? "bgr" : "rgb") + ";" + (nhwc ? "nhwc" : "nchw") + ";scale=" + scale + ";mean=" + join(mean)
                + ";std=" + join(std);
    }

    private static String join(float[] v) {
        return v[0] + "," + v[1] + "," + v[2];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnnxPreprocessing p
                && p.bgr == bgr
                && p.nhwc == nhwc
                && p.scale == scale
                && Arrays.equals(p.mean, mean)
                && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** The input shape of a batch: {@code [n, 3, h, w]} or {@code [n, h, w, 3]}. */
    public long[] shape(int n, int height, int width) {
        return nhwc ? new long[] {n, height, width, 3} : new long[] {n, 3, height, width};
    }

    /**
     * Writes one shard image (uint8 RGB CHW, {@code 3*height*width} bytes) into {@code out} at
     * {@code offset} in the model's layout and channel order.
     */
    public void apply(byte[] rgbChw, int height, int width, float[] out, int offset) {
        int plane = height * width;
        if (rgbChw.length != 3 * plane) {
            throw new IllegalArgumentException(
                    "expected 3*" + height + "*" + width + " bytes for a CHW image, got " + rgbChw.length);
        }
        for (int c = 0; c < 3; c++) {
            int src = bgr ? 2 - c : c;
            float m = mean[c];
            float inv = 1f / std[c];
            for (int i = 0; i < plane; i++) {
                float v = ((rgbChw[src * plane + i] & 0xFF) / scale - m) * inv;
                out[offset + (nhwc ? i * 3 + c : c * plane + i)] = v;
            }
        }
    }
}
