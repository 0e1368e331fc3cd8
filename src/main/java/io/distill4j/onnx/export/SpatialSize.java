package io.distill4j.onnx.export;

/**
 * The H and W an exported model declares for its input: fixed (the size the student was trained at,
 * what evaluate feeds it) or dynamic (symbolic dims; every exported op is size-independent, so the
 * same file then runs at any size, e.g. full-resolution images).
 *
 * @param height 0 for dynamic
 * @param width  0 for dynamic
 */
public record SpatialSize(int height, int width) {
    public static final SpatialSize DYNAMIC = new SpatialSize(0, 0);

    public SpatialSize {
        if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
            throw new IllegalArgumentException(
                    "input size must be two positive numbers (or dynamic), cannot be: " + height + "x" + width);
        }
    }

    public boolean isDynamic() {
        return height == 0;
    }

    /** "HxW" or "dynamic". */
    public static SpatialSize parse(String text) {
        if (text.equals("dynamic")) {
            return DYNAMIC;
        }
        String[] p = text.split("x");
        try {
            if (p.length == 2) {
                int h = Integer.parseInt(p[0].trim());
                int w = Integer.parseInt(p[1].trim());
                if (h > 0 && w > 0) {
                    return new SpatialSize(h, w);
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("input size must be HxW (e.g. 64x128) or 'dynamic', cannot be: " + text);
    }

    @Override
    public String toString() {
        return isDynamic() ? "dynamic" : height + "x" + width;
    }
}
