package io.distill4j.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Shared checks for the dense losses: double precision, reference comparison, finite differences, graph gradient check. */
public final class LossTestSupport {

    public static final double RELATIVE = 1e-6;

    private LossTestSupport() {}

    /** Gradient checks and 1e-6 reference comparisons need doubles everywhere. */
    public static void useDoubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    /** Uniform values in [-scale, scale], deterministic per seed. */
    public static double[][] random(long seed, int rows, int cols, double scale) {
        Random random = new Random(seed);
        double[][] values = new double[rows][cols];
        for (double[] row : values) {
            for (int i = 0; i < cols; i++) {
                row[i] = (2 * random.nextDouble() - 1) * scale;
            }
        }
        return values;
    }

    public static INDArray array(double[][] values) {
        return Nd4j.createFromArray(values).castTo(DataType.DOUBLE);
    }

    /** Batch score (average=true) of {@code loss}. */
    public static double score(ILossFunction loss, INDArray labels, INDArray output) {
        return loss.computeScore(labels, output, new ActivationIdentity(), null, true);
    }

    public static void assertRelativelyEqual(double expected, double actual, String what) {
        double tolerance = RELATIVE * Math.max(1e-12, Math.abs(expected));
        assertEquals(expected, actual, tolerance, what);
    }

    /**
     * Checks DL4J's convention and the analytic gradient: score(average=false) = N * score(average=true),
     * the score array sums to the unaveraged score, and computeGradient / N equals central finite
     * differences of the batch score at every element.
     */
    public static void assertGradientMatchesFiniteDifferences(ILossFunction loss, INDArray labels, INDArray output) {
        long n = output.size(0);
        double batchScore = score(loss, labels, output);
        double summed = loss.computeScore(labels, output, new ActivationIdentity(), null, false);
        assertRelativelyEqual(n * batchScore, summed, "score(average=false) must be N times the batch score");
        INDArray scoreArray = loss.computeScoreArray(labels, output, new ActivationIdentity(), null);
        assertEquals(n, scoreArray.size(0), "one score row per example");
        assertRelativelyEqual(
                summed, scoreArray.sumNumber().doubleValue(), "score array must sum to the unaveraged score");

        INDArray gradient = loss.computeGradient(labels, output, new ActivationIdentity(), null)
                .div(n);
        INDArray fromPair = loss.computeGradientAndScore(labels, output, new ActivationIdentity(), null, true)
                .getSecond()
                .div(n);
        double step = 1e-6;
        for (long row = 0; row < output.size(0); row++) {
            for (long col = 0; col < output.size(1); col++) {
                INDArray plus = output.dup();
                plus.putScalar(row, col, output.getDouble(row, col) + step);
                INDArray minus = output.dup();
                minus.putScalar(row, col, output.getDouble(row, col) - step);
                double numeric = (score(loss, labels, plus) - score(loss, labels, minus)) / (2 * step);
                double analytic = gradient.getDouble(row, col);
                double tolerance = 1e-6 * Math.max(1.0, Math.abs(numeric)) + 1e-9;
                assertEquals(numeric, analytic, tolerance, "d score / d output[" + row + "," + col + "]");
                assertEquals(analytic, fromPair.getDouble(row, col), 1e-15, "computeGradientAndScore gradient");
            }
        }
    }

    /**
     * The wiring contract: conv (tanh) -> CnnToFeedForwardPreProcessor -> LossLayer(IDENTITY, loss),
     * in double precision; DL4J's own GradientCheckUtil must pass on it.
     */
    public static ComputationGraph lossGraph(
            ILossFunction loss, int inChannels, int outChannels, int height, int width) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(height, width, inChannels))
                .addLayer(
                        "conv",
                        new ConvolutionLayer.Builder(3, 3)
                                .convolutionMode(ConvolutionMode.Same)
                                .nOut(outChannels)
                                .activation(Activation.TANH)
                                .build(),
                        "in")
                .addLayer(
                        "loss",
                        new LossLayer.Builder(loss)
                                .activation(Activation.IDENTITY)
                                .build(),
                        new CnnToFeedForwardPreProcessor(height, width, outChannels),
                        "conv")
                .setOutputs("loss")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    public static void assertGraphGradientsCheck(
            ILossFunction loss, int inChannels, int outChannels, int height, int width, INDArray labels) {
        ComputationGraph graph = lossGraph(loss, inChannels, outChannels, height, width);
        INDArray input = array(random(99, (int) labels.size(0), inChannels * height * width, 1.0))
                .reshape('c', labels.size(0), inChannels, height, width);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                .net(graph)
                .inputs(new INDArray[] {input})
                .labels(new INDArray[] {labels})
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .exitOnFirstError(false));
        assertTrue(ok, "DL4J gradient check of " + loss);
    }
}
