package io.distill4j.onnx.export;

import static io.distill4j.onnx.export.OnnxGraphBuilder.real;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link BatchNormalization} -> BatchNormalization (inference form, running statistics). With
 * useLogStd (DL4J M2's default) the layer stores log10 of a standard deviation s, and its inference
 * divides by sqrt(s^2 + eps) (measured: with s = 0.01 and eps = 1e-5 the output is x / 0.010488),
 * so the exported var is s^2, computed in double. lockGammaBeta layers have no gamma/beta parameters: the fixed
 * values are written per channel. The configured activation is ignored, as DL4J ignores it.
 */
final class BatchNormalizationMapping implements VertexMapping {
    @Override
    public ExportedTensor write(VertexExport v) {
        BatchNormalization bn = (BatchNormalization) v.layer();
        ConvolutionMapping.requireNchw(v, bn.getCnn2DFormat());
        ExportedTensor in = v.input();
        OnnxGraphBuilder g = v.graph();
        double[] mean = flat(v.param("mean"));
        int c = mean.length;
        double[] var;
        if (bn.isUseLogStd()) {
            double[] log10std = flat(v.param("log10stdev"));
            var = new double[c];
            for (int i = 0; i < c; i++) {
                double std = Math.pow(10, log10std[i]);
                var[i] = std * std;
            }
        } else {
            var = flat(v.param("var"));
        }
        double[] gamma = bn.isLockGammaBeta() ? filled(c, bn.getGamma()) : flat(v.param("gamma"));
        double[] beta = bn.isLockGammaBeta() ? filled(c, bn.getBeta()) : flat(v.param("beta"));
        long[] dims = {c};
        List<String> inputs = List.of(
                in.name(),
                g.floats(v.local("scale"), dims, floats(gamma)),
                g.floats(v.local("bias"), dims, floats(beta)),
                g.floats(v.local("mean"), dims, floats(mean)),
                g.floats(v.local("var"), dims, floats(var)));
        // No activation: DL4J M2's batch-norm layer never applies the one its configuration carries
        // (the global default, sigmoid, when none is set); the layer test pins this.
        g.node("BatchNormalization", inputs, v.name(), real("epsilon", bn.getEps()));
        return new ExportedTensor(v.name(), c, in.stride());
    }

    private static double[] flat(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    private static double[] filled(int n, double value) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, value);
        return d;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
