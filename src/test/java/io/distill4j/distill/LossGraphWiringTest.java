package io.distill4j.distill;

import static io.distill4j.model.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.model.loss.CenterNetFocalLoss;
import io.distill4j.model.loss.MaskedL1Loss;
import io.distill4j.model.loss.SegmentationCrossEntropyLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** The wiring contract: conv map -> CnnToFeedForwardPreProcessor -> LossLayer(IDENTITY, dense loss). */
class LossGraphWiringTest {

    private static final int H = 4;
    private static final int W = 4;
    private static final int P = H * W;
    private static final int IN = 2;

    @BeforeAll
    static void doubles() {
        useDoubles();
    }

    /** Every loss of both packages, each with the output channels it reads and its label columns. */
    private record Head(ILossFunction loss, int channels, int labelColumns) {}

    private static Map<String, Head> everyLoss() {
        Map<String, Head> heads = new LinkedHashMap<>();
        heads.put("pixelKd", new Head(new PixelKdLoss(3, H, W, 2.0, 0.5), 3, 3 * P + P));
        heads.put("cwd", new Head(new ChannelWiseDistillationLoss(3, H, W, 4.0, 3.0), 3, 3 * P));
        heads.put("at", new Head(new AttentionTransferLoss(3, 5, H, W, 100, 2, 1.0), 3, 5 * P));
        heads.put("fsp", new Head(new FspLoss(2, 3, H, W, 1.0), 5, 6));
        heads.put("pairwise", new Head(new PairwiseSimilarityLoss(3, 4, H, W, 2, 1.0), 3, 4 * P));
        heads.put("sigmoidKd", new Head(new SigmoidKdLoss(2, H, W, 2.0, 1.0), 2, 2 * P));
        heads.put("segCe", new Head(new SegmentationCrossEntropyLoss(3, H, W, 255, 1.0), 3, P));
        heads.put("focal", new Head(new CenterNetFocalLoss(2, H, W, 2, 4, 1.0), 2, 2 * P));
        heads.put("l1", new Head(new MaskedL1Loss(2, H, W, 0.1), 2, 2 * P + P));
        return heads;
    }

    private static ComputationGraphConfiguration graphOf(Map<String, Head> heads) {
        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Adam(0.05))
                .dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(H, W, IN));
        builder.addLayer(
                "trunk",
                new ConvolutionLayer.Builder(3, 3)
                        .convolutionMode(ConvolutionMode.Same)
                        .nOut(8)
                        .activation(Activation.TANH)
                        .build(),
                "in");
        for (Map.Entry<String, Head> e : heads.entrySet()) {
            Head head = e.getValue();
            builder.addLayer(
                    e.getKey() + "Map",
                    new ConvolutionLayer.Builder(1, 1)
                            .nOut(head.channels())
                            .activation(Activation.IDENTITY)
                            .build(),
                    "trunk");
            builder.addLayer(
                    e.getKey(),
                    new LossLayer.Builder(head.loss())
                            .activation(Activation.IDENTITY)
                            .build(),
                    new CnnToFeedForwardPreProcessor(H, W, head.channels()),
                    e.getKey() + "Map");
        }
        return builder.setOutputs(heads.keySet().toArray(new String[0])).build();
    }

    /** Labels of the right width per head: trainIds for CE, heatmaps with one peak, 0/1 masks after maps. */
    private static INDArray labelsFor(String name, Head head, int batch, long seed) {
        double[][] values = random(seed, batch, head.labelColumns(), 2.0);
        for (double[] row : values) {
            switch (name) {
                case "segCe" -> {
                    for (int p = 0; p < P; p++) {
                        row[p] = p % 5 == 4 ? 255 : Math.floorMod((int) (row[p] * 10), 3);
                    }
                }
                case "focal" -> {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = Math.abs(row[i]) / 2.5;
                    }
                    row[5] = 1.0;
                }
                case "pixelKd", "l1" -> {
                    int maps = row.length - P;
                    for (int p = 0; p < P; p++) {
                        row[maps + p] = p % 3 == 0 ? 0 : 1;
                    }
                }
                case "fsp" -> {
                    for (int i = 0; i < row.length; i++) {
                        row[i] *= 0.2;
                    }
                }
                default -> {}
            }
        }
        return array(values);
    }

    @Test
    void configurationJsonRoundTripKeepsEveryLossAndItsScores() {
        Map<String, Head> heads = everyLoss();
        ComputationGraphConfiguration conf = graphOf(heads);
        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, restored);
        ComputationGraph original = new ComputationGraph(conf);
        original.init();
        ComputationGraph copy = new ComputationGraph(restored);
        copy.init(original.params().dup(), true);
        MultiDataSet data = batch(heads, 2, 10);
        for (String name : heads.keySet()) {
            LayerVertex vertex = (LayerVertex) restored.getVertices().get(name);
            ILossFunction restoredLoss = ((LossLayer) vertex.getLayerConf().getLayer()).getLossFn();
            assertEquals(heads.get(name).loss(), restoredLoss, name + " after the JSON round trip");
        }
        assertEquals(original.score(data), copy.score(data), 1e-12);
    }

    private static MultiDataSet batch(Map<String, Head> heads, int size, long seed) {
        INDArray input = array(random(seed, size, IN * P, 1.0)).reshape('c', size, IN, H, W);
        INDArray[] labels = new INDArray[heads.size()];
        int i = 0;
        for (Map.Entry<String, Head> e : heads.entrySet()) {
            labels[i++] = labelsFor(e.getKey(), e.getValue(), size, seed + i);
        }
        return new MultiDataSet(new INDArray[] {input}, labels);
    }

    @Test
    void graphFitsWithLabelsWiderOrNarrowerThanTheOutput() {
        // pixelKd and l1 labels are wider than their output (mask columns); at, pairwise and fsp differ too.
        Map<String, Head> heads = everyLoss();
        ComputationGraph graph = new ComputationGraph(graphOf(heads));
        graph.init();
        MultiDataSet data = batch(heads, 2, 20);
        double before = graph.score(data);
        graph.fit(data);
        assertTrue(Double.isFinite(graph.score()), "score after one fit step");
        assertTrue(Double.isFinite(before));
    }

    @Test
    void pixelKdAndSegmentationLossesBothGoDownWhenTrainedTogether() {
        Map<String, Head> heads = new LinkedHashMap<>();
        heads.put("pixelKd", everyLoss().get("pixelKd"));
        heads.put("segCe", everyLoss().get("segCe"));
        ComputationGraph graph = new ComputationGraph(graphOf(heads));
        graph.init();
        MultiDataSet data = batch(heads, 4, 30);
        double[] start = perOutputScores(graph, data);
        for (int step = 0; step < 15; step++) {
            graph.fit(data);
        }
        double[] end = perOutputScores(graph, data);
        assertTrue(end[0] < 0.8 * start[0], "pixel KD " + start[0] + " -> " + end[0]);
        assertTrue(end[1] < 0.8 * start[1], "segmentation CE " + start[1] + " -> " + end[1]);
    }

    /** Each output layer's own batch score after a forward pass on {@code data}. */
    private static double[] perOutputScores(ComputationGraph graph, MultiDataSet data) {
        graph.setInputs(data.getFeatures());
        graph.setLabels(data.getLabels());
        graph.computeGradientAndScore();
        String[] outputs = graph.getConfiguration().getNetworkOutputs().toArray(new String[0]);
        double[] scores = new double[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            scores[i] = graph.getLayer(outputs[i]).score();
        }
        return scores;
    }
}
