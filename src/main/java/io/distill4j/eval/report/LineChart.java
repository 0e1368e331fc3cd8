package io.distill4j.eval.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal line chart: axes with ticks, axis labels, a title and a legend, one coloured line per
 * series. Java2D because no plotting library is on the JVM stack.
 */
public final class LineChart {
    /** One series: x and y values of equal length, in drawing order. */
    public record Series(double[] x, double[] y) {
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException(x.length + " x values, " + y.length + " y values");
        }
    }

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 36;
    private static final int BOTTOM = 50;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, Series> series = new LinkedHashMap<>();

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LineChart add(String name, Series s) {
        series.put(name, s);
        return this;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    public BufferedImage render(int width, int height) {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series.values()) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) continue;
                xMin = Math.min(xMin, s.x()[i]);
                xMax = Math.max(xMax, s.x()[i]);
                yMin = Math.min(yMin, s.y()[i]);
                yMax = Math.max(yMax, s.y()[i]);
            }
        }
        if (xMin > xMax) { xMin = 0; xMax = 1; yMin = 0; yMax = 1; }
        if (xMin == xMax) { xMin -= 1; xMax += 1; }
        if (yMin == yMax) { yMin -= 1; yMax += 1; }
        double pad = (yMax - yMin) * 0.05;
        yMin -= pad;
        yMax += pad;

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int pw = width - LEFT - RIGHT;
        int ph = height - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        // grid, ticks and tick labels
        for (int i = 0; i <= 5; i++) {
            double fy = yMin + (yMax - yMin) * i / 5;
            int py = TOP + ph - (int) Math.round(ph * (double) i / 5);
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(LEFT, py, LEFT + pw, py);
            g.setColor(Color.DARK_GRAY);
            String label = tick(fy);
            g.drawString(label, LEFT - 6 - g.getFontMetrics().stringWidth(label), py + 4);
            double fx = xMin + (xMax - xMin) * i / 5;
            int px = LEFT + (int) Math.round(pw * (double) i / 5);
            g.drawLine(px, TOP + ph, px, TOP + ph + 4);
            String xl = tick(fx);
            g.drawString(xl, px - g.getFontMetrics().stringWidth(xl) / 2, TOP + ph + 16);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, TOP - 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(xLabel, LEFT + pw / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, height - 12);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(TOP + ph / 2 + g.getFontMetrics().stringWidth(yLabel) / 2), 16);
        g.setTransform(saved);
        // lines
        int c = 0;
        g.setStroke(new BasicStroke(2f));
        for (Series s : series.values()) {
            g.setColor(COLORS[c++ % COLORS.length]);
            Path2D.Double path = new Path2D.Double();
            boolean started = false;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) continue;
                double px = LEFT + pw * (s.x()[i] - xMin) / (xMax - xMin);
                double py = TOP + ph - ph * (s.y()[i] - yMin) / (yMax - yMin);
                if (started) path.lineTo(px, py);
                else path.moveTo(px, py);
                started = true;
                if (s.x().length <= 30) g.fillOval((int) px - 3, (int) py - 3, 6, 6);
            }
            g.draw(path);
        }
        // legend, top right inside the plot
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int lw = 0;
        for (String name : series.keySet()) lw = Math.max(lw, g.getFontMetrics().stringWidth(name));
        int lx = LEFT + pw - lw - 36;
        int ly = TOP + 8;
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(lx, ly, lw + 30, 16 * series.size() + 6);
        g.setColor(Color.GRAY);
        g.drawRect(lx, ly, lw + 30, 16 * series.size() + 6);
        c = 0;
        for (String name : series.keySet()) {
            int y = ly + 15 + 16 * c;
            g.setColor(COLORS[c++ % COLORS.length]);
            g.fillRect(lx + 6, y - 6, 16, 4);
            g.setColor(Color.BLACK);
            g.drawString(name, lx + 26, y);
        }
        g.dispose();
        return img;
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) return String.format("%.1e", v);
        if (a >= 100) return String.format("%.0f", v);
        if (a >= 1) return String.format("%.2f", v);
        return String.format("%.3f", v);
    }
}
