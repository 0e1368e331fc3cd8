package io.distill4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

class NativeSetupTest {

    @BeforeAll
    static void init() {
        NativeSetup.init(2, true);
    }

    @Test
    void loadsTheOneDnnBuildOfLibnd4j() {
        NativeStatus status = NativeSetup.status();
        assertTrue(status.nativeLibrary().contains("linux-x86_64-onednn-avx2"), status.toString());
        assertTrue(status.oneDnnBuild(), status.toString());
    }

    @Test
    void oneDnnLayerHelpersReportSupported() {
        assertTrue(
                NativeSetup.status().layerHelpersActive(),
                "BaseMKLDNNHelper.mklDnnEnabled() is false: the org.nd4j.nativeblas.Nd4jCpu shim no longer works");
    }

    @Test
    void threadsAreApplied() {
        NativeSetup.setThreads(1);
        assertEquals(1, NativeSetup.status().threads());
        NativeSetup.setThreads(2);
        assertEquals(2, NativeSetup.status().threads());
        assertThrows(IllegalArgumentException.class, () -> NativeSetup.init(0, true));
    }

    /**
     * Pins why Spark tasks need {@code NativeThreadsPlugin}: OpenMP's count set in one thread does
     * not reach another; each thread sets its own.
     */
    @Test
    void openMpThreadCountIsPerCallingThread() throws Exception {
        NativeSetup.setThreads(3);
        int[] seen = new int[2];
        Thread other = new Thread(() -> {
            seen[0] = NativeSetup.status().threads();
            NativeSetup.setThreads(3);
            seen[1] = NativeSetup.status().threads();
        });
        other.start();
        other.join();
        NativeSetup.setThreads(2);
        assertTrue(seen[0] != 3, "another thread saw the main thread's count: libgomp changed");
        assertEquals(3, seen[1]);
    }

    @Test
    void threadsPerTaskFollowsTaskCpusUnlessOverridden() {
        assertEquals(1, NativeSetup.threadsPerTask(1, 0, 16));
        assertEquals(4, NativeSetup.threadsPerTask(4, 0, 16));
        assertEquals(2, NativeSetup.threadsPerTask(4, 0, 2), "capped at the processors the JVM sees");
        assertEquals(8, NativeSetup.threadsPerTask(1, 8, 2), "an explicit override is taken as given");
        assertThrows(IllegalArgumentException.class, () -> NativeSetup.threadsPerTask(0, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> NativeSetup.threadsPerTask(1, -1, 2));
    }

    /** Fails if any conv, batch-norm or pooling layer silently runs without (or drops) its oneDNN helper. */
    @Test
    void convBatchNormAndPoolingLayersRunOnOneDnnHelpersThroughATrainingStep() throws Exception {
        NativeSetup.setLayerHelpersEnabled(true);
        ModelBlueprint teacher = ModelBlueprint.of(ModelSpec.segmentationTeacher(3, 32, 64));
        GraphBuilder graph = teacher.graphBuilder();
        graph.addLayer(
                "out",
                new CnnLossLayer.Builder(new LossL2())
                        .activation(Activation.IDENTITY)
                        .build(),
                teacher.tap("logits").vertexName());
        ComputationGraph net = new ComputationGraph(graph.setOutputs("out").build());
        net.init();
        net.fit(new MultiDataSet(Nd4j.randn(2, 3, 32, 64), Nd4j.randn(2, 3, 4, 8)));

        int conv = 0, bn = 0, pool = 0;
        for (Layer layer : net.getLayers()) {
            if (layer instanceof ConvolutionLayer c) {
                assertInstanceOf(
                        MKLDNNConvHelper.class,
                        c.getHelper(),
                        layer.conf().getLayer().getLayerName());
                conv++;
            } else if (layer instanceof BatchNormalization b) {
                assertInstanceOf(
                        MKLDNNBatchNormHelper.class,
                        b.getHelper(),
                        layer.conf().getLayer().getLayerName());
                bn++;
            } else if (layer instanceof SubsamplingLayer s) {
                assertInstanceOf(
                        MKLDNNSubsamplingHelper.class,
                        s.getHelper(),
                        layer.conf().getLayer().getLayerName());
                pool++;
            } else {
                continue;
            }
            assertEquals(
                    0,
                    helperFailures(layer),
                    "helper fell back to the built-in path in "
                            + layer.conf().getLayer().getLayerName());
        }
        assertTrue(conv > 10 && bn > 10 && pool == 3, "conv=" + conv + " bn=" + bn + " pool=" + pool);
    }

    /**
     * Pins the M2 bug that made the encoder avoid dilation (see io.distill4j.model.Encoder): if this
     * starts failing, the oneDNN helper handles dilated convolutions and dilation can come back.
     */
    @Test
    void dilatedConvolutionStillFailsInTheOneDnnHelper() throws Exception {
        NativeSetup.setLayerHelpersEnabled(true);
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 4))
                .addLayer(
                        "conv",
                        new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3)
                                .dilation(2, 2)
                                .nOut(4)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new CnnLossLayer.Builder(new LossL2())
                                .activation(Activation.IDENTITY)
                                .build(),
                        "conv")
                .setOutputs("out")
                .build());
        net.init();
        net.outputSingle(Nd4j.randn(1, 4, 8, 8));
        assertEquals(1, helperFailures(net.getLayer("conv")));
    }

    private static int helperFailures(Layer layer) throws ReflectiveOperationException {
        for (Class<?> c = layer.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("helperCountFail");
                f.setAccessible(true);
                return f.getInt(layer);
            } catch (NoSuchFieldException ignored) {
                // keep looking in the superclass
            }
        }
        throw new AssertionError("no helperCountFail field on " + layer.getClass());
    }
}
