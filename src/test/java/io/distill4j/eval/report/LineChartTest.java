package io.distill4j.eval.report;

import static org.junit.jupiter.api.Assertions.*;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;

class LineChartTest {
    private static LineChart chart(double... y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        return new LineChart("t", "epoch", "loss").integerX().add("a", new LineChart.Series(x, y));
    }

    @Test
    void termsThatSpanMoreThanTwoDecadesGetALogAxis() {
        XYPlot wide = chart(208, 2.1, 0.09).chart().getXYPlot();
        assertInstanceOf(LogAxis.class, wide.getRangeAxis());
        assertEquals("loss (log scale)", wide.getRangeAxis().getLabel());
        assertInstanceOf(
                NumberAxis.class, chart(2.5, 1.2, 0.9).chart().getXYPlot().getRangeAxis());
        assertFalse(chart(5, -0.08, 1).logarithmic(), "a negative value has no logarithm");
    }

    @Test
    void axesAreNamedAndOneSeriesHasNoLegend() {
        var c = chart(2.5, 1.2).chart();
        assertEquals("epoch", c.getXYPlot().getDomainAxis().getLabel());
        assertEquals("loss", c.getXYPlot().getRangeAxis().getLabel());
        assertNull(c.getLegend(), "the y axis names a single series");
        assertNotNull(chart(1, 2)
                .add("b", new LineChart.Series(new double[] {1}, new double[] {1}))
                .chart()
                .getLegend());
    }
}
