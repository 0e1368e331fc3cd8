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

/** Java2D renderings of label maps and boxes over uint8 CHW RGB images. */
public final class Pictures {
    /** Pixels where teacher and student disagree in the agreement map. */
    public static final int DISAGREE_RGB = 0xFF00FF;
    private static final int HEADER = 22;

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

    /** Panels side by side, each under a caption. */
    public static BufferedImage strip(List<BufferedImage> panels, List<String> captions) {
        int w = 0;
        int h = 0;
        for (BufferedImage p : panels) {
            w += p.getWidth();
            h = Math.max(h, p.getHeight());
        }
        BufferedImage out = new BufferedImage(w, h + HEADER, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, HEADER);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        int x = 0;
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), x, HEADER, null);
            g.setColor(Color.BLACK);
            g.drawString(captions.get(i), x + 4, HEADER - 6);
            x += panels.get(i).getWidth();
        }
        g.dispose();
        return out;
    }

    /** Ground truth in green (crowd dashed), detections in red with "name score". */
    public static BufferedImage boxes(byte[] chw, int h, int w, List<CocoGt> gts, List<CocoDetection> dets,
                                      Map<Integer, String> categoryNames) {
        BufferedImage img = image(chw, h, w);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (CocoGt gt : gts) {
            g.setColor(new Color(0x00C000));
            g.setStroke(gt.iscrowd() ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {4f, 4f}, 0f) : new BasicStroke(1.5f));
            g.drawRect((int) Math.round(gt.x()), (int) Math.round(gt.y()), (int) Math.round(gt.w()), (int) Math.round(gt.h()));
        }
        g.setStroke(new BasicStroke(2f));
        for (CocoDetection d : dets) {
            int x = (int) Math.round(d.x());
            int y = (int) Math.round(d.y());
            g.setColor(Color.RED);
            g.drawRect(x, y, (int) Math.round(d.w()), (int) Math.round(d.h()));
            String label = categoryNames.getOrDefault(d.categoryId(), String.valueOf(d.categoryId()))
                    + String.format(" %.2f", d.score());
            int tw = g.getFontMetrics().stringWidth(label);
            int ty = Math.max(12, y);
            g.fillRect(x, ty - 12, tw + 4, 13);
            g.setColor(Color.WHITE);
            g.drawString(label, x + 2, ty - 2);
        }
        g.dispose();
        return img;
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
