package io.distill4j.eval.report;

import io.distill4j.eval.coco.CocoDetection;
import io.distill4j.eval.coco.CocoGt;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * Java2D renderings of label maps and boxes over uint8 CHW RGB images. Shards hold small images
 * (64x128 on the sample), so panels are enlarged by a whole factor with nearest-neighbour sampling:
 * every label pixel stays one sharp block of its class colour.
 */
public final class Pictures {
    /**
     * Pixels where teacher and student disagree in the agreement map: cyan, which is no Cityscapes
     * class colour (the nearest, sky's steel blue, is far from it; magenta would pass for sidewalk).
     */
    public static final int DISAGREE_RGB = 0x00FFFF;
    /** Panels are enlarged until they are about this wide (never shrunk). */
    static final int TARGET_PANEL_WIDTH = 300;

    private static final int TITLE = 24;
    private static final int CAPTION = 22;

    private Pictures() {}

    /** The image itself from uint8 CHW (3 x h x w, RGB). */
    public static BufferedImage image(byte[] chw, int h, int w) {
        if (chw.length != 3 * h * w) {
            throw new IllegalArgumentException("image has " + chw.length + " bytes, expected 3*" + h + "*" + w);
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int hw = h * w;
        for (int i = 0; i < hw; i++) {
            int rgb = (chw[i] & 0xFF) << 16 | (chw[hw + i] & 0xFF) << 8 | (chw[2 * hw + i] & 0xFF);
            img.setRGB(i % w, i / w, rgb);
        }
        return img;
    }

    /** Half image, half palette colour per trainId; ignore pixels black. */
    public static BufferedImage overlay(byte[] chw, byte[] trainIds, int h, int w) {
        requireLength(trainIds, h, w);
        BufferedImage base = image(chw, h, w);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < h * w; i++) {
            int t = trainIds[i] & 0xFF;
            int x = i % w;
            int y = i / w;
            out.setRGB(x, y, t == 255 ? 0 : blend(base.getRGB(x, y), CityscapesPalette.rgb(t)));
        }
        return out;
    }

    /** Greyed image with the pixels where the two maps differ in {@link #DISAGREE_RGB}. */
    public static BufferedImage agreement(byte[] chw, byte[] a, byte[] b, int h, int w) {
        requireLength(a, h, w);
        requireLength(b, h, w);
        BufferedImage base = image(chw, h, w);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < h * w; i++) {
            int x = i % w;
            int y = i / w;
            if (a[i] != b[i]) {
                out.setRGB(x, y, DISAGREE_RGB);
            } else {
                int rgb = base.getRGB(x, y);
                int grey = ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 6; // dimmed
                out.setRGB(x, y, grey << 16 | grey << 8 | grey);
            }
        }
        return out;
    }

    /** The whole factor that brings a panel {@code width} pixels wide to about {@link #TARGET_PANEL_WIDTH}; at least 1. */
    public static int scaleFor(int width) {
        return Math.max(1, (int) Math.round((double) TARGET_PANEL_WIDTH / width));
    }

    /** Each pixel becomes a {@code factor} x {@code factor} block (nearest neighbour, no blur). */
    public static BufferedImage upscale(BufferedImage img, int factor) {
        if (factor == 1) return img;
        BufferedImage out =
                new BufferedImage(img.getWidth() * factor, img.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(img, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }

    /**
     * Panels side by side under a title line (the sample's name) and one caption per panel (what it
     * shows, with its score where there is one).
     */
    public static BufferedImage strip(String title, List<BufferedImage> panels, List<String> captions) {
        int w = 0;
        int h = 0;
        for (BufferedImage p : panels) {
            w += p.getWidth();
            h = Math.max(h, p.getHeight());
        }
        int top = TITLE + CAPTION;
        BufferedImage out = new BufferedImage(w, h + top, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, top);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(fit(g, title, w - 8), 4, TITLE - 7);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x = 0;
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), x, top, null);
            g.setColor(new Color(0x333333));
            g.drawString(fit(g, captions.get(i), panels.get(i).getWidth() - 8), x + 4, top - 6);
            g.setColor(Color.WHITE);
            if (i > 0) g.fillRect(x, top, 1, h); // a thin seam between panels
            x += panels.get(i).getWidth();
        }
        g.dispose();
        return out;
    }

    /** The text, cut with an ellipsis where it would be wider than {@code width} pixels. */
    private static String fit(Graphics2D g, String text, int width) {
        if (g.getFontMetrics().stringWidth(text) <= width) return text;
        String t = text;
        while (t.length() > 1 && g.getFontMetrics().stringWidth(t + "...") > width) t = t.substring(0, t.length() - 1);
        return t + "...";
    }

    /**
     * The image enlarged by {@code factor} with ground truth in green (crowd dashed) and detections
     * in red with "name score". Boxes are in the image's own pixels and scaled with it, so lines
     * and labels are drawn at the enlarged size and stay legible.
     */
    public static BufferedImage boxes(
            byte[] chw,
            int h,
            int w,
            int factor,
            List<CocoGt> gts,
            List<CocoDetection> dets,
            Map<Integer, String> categoryNames) {
        BufferedImage img = upscale(image(chw, h, w), factor);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        for (CocoGt gt : gts) {
            g.setColor(new Color(0x00C000));
            g.setStroke(
                    gt.iscrowd()
                            ? new BasicStroke(
                                    2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 5f}, 0f)
                            : new BasicStroke(2f));
            g.drawRect(px(gt.x(), factor), px(gt.y(), factor), px(gt.w(), factor), px(gt.h(), factor));
        }
        g.setStroke(new BasicStroke(2f));
        for (CocoDetection d : dets) {
            int x = px(d.x(), factor);
            int y = px(d.y(), factor);
            g.setColor(Color.RED);
            g.drawRect(x, y, px(d.w(), factor), px(d.h(), factor));
            String label = categoryNames.getOrDefault(d.categoryId(), String.valueOf(d.categoryId()))
                    + String.format(java.util.Locale.ROOT, " %.2f", d.score());
            int tw = g.getFontMetrics().stringWidth(label);
            int tx = Math.max(0, Math.min(x, img.getWidth() - tw - 4));
            int ty = Math.max(15, y);
            g.fillRect(tx, ty - 15, tw + 4, 15);
            g.setColor(Color.WHITE);
            g.drawString(label, tx + 2, ty - 3);
        }
        g.dispose();
        return img;
    }

    private static int px(double v, int factor) {
        return (int) Math.round(v * factor);
    }

    private static int blend(int a, int b) {
        int r = ((a >> 16 & 0xFF) + (b >> 16 & 0xFF)) / 2;
        int gg = ((a >> 8 & 0xFF) + (b >> 8 & 0xFF)) / 2;
        int bb = ((a & 0xFF) + (b & 0xFF)) / 2;
        return r << 16 | gg << 8 | bb;
    }

    private static void requireLength(byte[] labels, int h, int w) {
        if (labels.length != h * w) {
            throw new IllegalArgumentException("label map has " + labels.length + " values, expected " + h + "*" + w);
        }
    }
}
