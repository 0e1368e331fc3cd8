package io.distill4j.eval.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.NumberTickUnitSource;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A line chart drawn by JFreeChart: named axes with round tick values, a title, a legend and one
 * coloured line per series. The y axis turns logarithmic when positive series span more than two
 * decades (distillation terms differ in scale by orders of magnitude), so every line stays readable.
 */
public final class LineChart {
    /** One series: x and y values of equal length, in drawing order. */
    public record Series(double[] x, double[] y) {
        public Series {
            if (x.length != y.length)
                throw new IllegalArgumentException(x.length + " x values, " + y.length + " y values");
        }
    }

    /** Tableau 10: distinguishable lines, none of them grey like the grid. */
    private static final Color[] COLORS = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x17becf),
        new Color(0xbcbd22),
        new Color(0x7f7f7f)
    };

    private static final double LOG_SCALE_SPAN = 100;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, Series> series = new LinkedHashMap<>();
    private boolean integerX;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LineChart add(String name, Series s) {
        series.put(name, s);
        return this;
    }

    /** Ticks on whole numbers only along x (epochs, iterations). */
    public LineChart integerX() {
        integerX = true;
        return this;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    /** Whether the y axis is logarithmic: every value positive and the largest over 100 times the smallest. */
    boolean logarithmic() {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series.values()) {
            for (double v : s.y()) {
                if (!Double.isFinite(v)) continue;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return min > 0 && max / min > LOG_SCALE_SPAN;
    }

    public JFreeChart chart() {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, Series> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            Series v = e.getValue();
            for (int i = 0; i < v.x().length; i++) {
                if (Double.isFinite(v.x()[i]) && Double.isFinite(v.y()[i])) s.add(v.x()[i], v.y()[i]);
            }
            data.addSeries(s);
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        if (integerX) x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis linearY = new NumberAxis(yLabel);
        linearY.setAutoRangeIncludesZero(false);
        linearY.setStandardTickUnits(new NumberTickUnitSource());
        var y = logarithmic() ? logAxis() : linearY;
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, maxPoints() <= 40);
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        // one series needs no legend: the y axis names it
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, series.size() > 1);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        }
        return chart;
    }

    /** Ticks at whole decades (0.01, 0.1, 1, 10), labelled as plain numbers rather than 10^x. */
    private LogAxis logAxis() {
        LogAxis axis = new LogAxis(yLabel + " (log scale)");
        axis.setBase(10);
        axis.setSmallestValue(1e-9);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        axis.setNumberFormatOverride(new DecimalFormat("0.#####"));
        return axis;
    }

    private int maxPoints() {
        return series.values().stream().mapToInt(s -> s.x().length).max().orElse(0);
    }

    public BufferedImage render(int width, int height) {
        return chart().createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
    }
}
