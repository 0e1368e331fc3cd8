package io.distill4j.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Runs exported models in ONNX Runtime and compares them with DL4J, relative to each tensor's scale. */
public final class OrtSupport {
    /** Largest |ORT - DL4J| allowed, as a fraction of the DL4J tensor's largest magnitude. */
    public static final double RELATIVE_TOLERANCE = 1e-4;

    private OrtSupport() {}

    /** Every output of {@code model} on {@code input} (NCHW float), as arrays of their ORT shapes. */
    public static Map<String, INDArray> run(byte[] model, INDArray input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options)) {
                float[] data = input.castTo(DataType.FLOAT).dup('c').data().asFloat();
                try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), input.shape());
                        OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, x))) {
                    Map<String, INDArray> out = new LinkedHashMap<>();
                    for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                        OnnxTensor t = (OnnxTensor) e.getValue();
                        FloatBuffer b = t.getFloatBuffer();
                        float[] values = new float[b.remaining()];
                        b.get(values);
                        out.put(e.getKey(), Nd4j.create(values, t.getInfo().getShape(), 'c'));
                    }
                    return out;
                }
            }
        }
    }

    /** DL4J's activations of {@code vertex} (inference mode). */
    static INDArray dl4j(ComputationGraph net, INDArray input, String vertex) {
        return net.feedForward(input, false).get(vertex).castTo(DataType.FLOAT);
    }

    /**
     * Fails unless the shapes agree and max |actual - expected| is within the tolerance of
     * max |expected|; returns that relative error.
     */
    public static double assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double scale = expected.amaxNumber().doubleValue();
        double error = expected.sub(actual).amaxNumber().doubleValue();
        double relative = error / Math.max(scale, 1e-12);
        assertTrue(
                relative <= RELATIVE_TOLERANCE,
                what + ": max error " + error + " is " + relative + " of the tensor's scale " + scale + " (tolerance "
                        + RELATIVE_TOLERANCE + ")");
        assertTrue(scale > 0, what + ": an all-zero tensor proves nothing");
        return relative;
    }

    /**
     * Makes a freshly initialised net look trained: batch norm statistics and affine terms and the
     * biases get random values of the size training gives them (so a wrong mean, variance or
     * parameterisation shows), weights keep their fan-in scaled initialisation (so activations stay in
     * the range a trained net has, where float32 rounding is what a real export sees).
     */
    static void randomize(ComputationGraph net, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : net.getVertices()) {
            Map<String, INDArray> params = v.paramTable(false);
            if (params == null) {
                continue;
            }
            for (Map.Entry<String, INDArray> p : params.entrySet()) {
                INDArray u = Nd4j.rand(p.getValue().dataType(), p.getValue().shape());
                INDArray value =
                        switch (p.getKey()) {
                            case "b", "beta", "mean" -> u.subi(0.5).muli(0.4);
                            case "gamma" -> u.addi(0.5);
                            case "var" -> u.addi(0.5).muli(u);
                            case "log10stdev" -> org.nd4j.linalg.ops.transforms.Transforms.log(u.addi(0.5), 10);
                            default -> null;
                        };
                if (value != null) {
                    p.getValue().assign(value);
                }
            }
        }
    }

    /** A uniform random NCHW input in [-2, 2). */
    static INDArray input(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, shape).muli(4).subi(2);
    }
}
