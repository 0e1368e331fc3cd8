package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.DistillTerm;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.distill.MutualContrastiveLoss;
import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.SegmentationModel;
import io.distill4j.model.Task;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** How MCL and L-MCL terms shape the training graph and its examples (no Spark). */
class MclObjectiveTest {
    static ModelBlueprint tinyStudent() {
        return SegmentationModel.blueprint(
                new ModelSpec(Task.SEGMENTATION, "s", 4, 1, 4, 5, 16, 32, 1L, ContextHead.NONE, 0.01));
    }

    /**
     * A segmentation record whose left half is class 1 and right half class 2; its pixels are a
     * colour of its own (drawn from the seed) plus noise, so images can be told apart.
     */
    static ShardRecord record(String id, long seed) {
        int h = 16, w = 32;
        Random random = new Random(seed);
        byte[] image = new byte[3 * h * w];
        for (int c = 0; c < 3; c++) {
            int colour = random.nextInt(200);
            for (int i = 0; i < h * w; i++) image[c * h * w + i] = (byte) (colour + random.nextInt(56));
        }
        byte[] label = new byte[h * w];
        for (int i = 0; i < label.length; i++) label[i] = (byte) (i % w < w / 2 ? 1 : 2);
        label[3] = (byte) 255;
        return new ShardRecord(
                id, "cityscapes", "train", h, w, h, w, image, new SegmentationLabels(label), "file:/" + id);
    }

    @Test
    void layerWiseTermGetsOneOutputPerTapPairWithUniformWeights() {
        DistillTerm lmcl = new DistillTerm(DistillTerm.Kind.L_MCL, "stage2, logits", "logits", 1.0, 0.2);
        SegmentationObjective o = SegmentationObjective.of(tinyStudent(), Map.of(), List.of(lmcl));
        assertEquals(List.of("task", "peer_task", "l-mcl@stage2~logits", "l-mcl@logits~logits"), o.outputNames());
        assertTrue(o.hasPeer());
        assertEquals(2, o.viewsPerImage());
        ComputationGraphConfiguration conf = o.configuration();
        assertEquals(o.outputNames(), conf.getNetworkOutputs());
        LossLayer out = (LossLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
                        conf.getVertices().get("l-mcl@stage2~logits"))
                .getLayerConf()
                .getLayer();
        assertEquals(MutualContrastiveLoss.all(SegmentationObjective.MCL_EMBEDDING, 0.2, 0.5), out.getLossFn());
    }

    @Test
    void metaLayerWeightsPutSmallAnchorWeightsIntoEveryPairAndSurviveTheJsonRoundTrip() {
        DistillTerm lmcl = new DistillTerm(
                DistillTerm.Kind.L_MCL,
                "stage2, logits",
                "logits",
                1.0,
                0.2,
                io.distill4j.method.LayerWeightOptions.metaDefaults());
        SegmentationObjective o = SegmentationObjective.of(tinyStudent(), Map.of(), List.of(lmcl));
        assertEquals(
                List.of("l-mcl@stage2~logits", "l-mcl@logits~logits"),
                o.metaWeightedTerms().stream()
                        .map(SegmentationObjective.Term::output)
                        .toList());
        ComputationGraphConfiguration conf = o.configuration();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        MultiDataSet batch = org.nd4j.linalg.dataset.MultiDataSet.merge(
                List.of(Examples.build(record("a", 1), o, Map.of()), Examples.build(record("b", 2), o, Map.of())));
        var activations = net.feedForward(batch.getFeatures(), true, false);
        for (SegmentationObjective.Term t : o.metaWeightedTerms()) {
            MutualContrastiveLoss loss = OutputLosses.get(net, t.output(), MutualContrastiveLoss.class);
            assertEquals(16, loss.anchorWeights().dim());
            for (double alpha :
                    loss.anchorAlpha(activations.get(SegmentationObjective.MCL_MERGE_PREFIX + t.output()))) {
                assertEquals(0.5, alpha, 0.05, "initial alpha of " + t.output());
            }
        }
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
        assertTrue(
                SegmentationObjective.of(
                                tinyStudent(),
                                Map.of(),
                                List.of(new DistillTerm(DistillTerm.Kind.L_MCL, "logits", "logits", 1.0, 0.2)))
                        .metaWeightedTerms()
                        .isEmpty(),
                "uniform by default");
        net.fit(batch);
        assertTrue(Double.isFinite(net.score()));
    }

    @Test
    void graphConfigurationHoldingMclSurvivesTheJsonRoundTrip() {
        DistillTerm mcl = new DistillTerm(DistillTerm.Kind.MCL, "neck", "logits", 0.5, 0.1);
        ComputationGraphConfiguration conf =
                SegmentationObjective.of(tinyStudent(), Map.of(), List.of(mcl)).configuration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertEquals(conf.toJson(), back.toJson());
    }

    @Test
    void examplesHoldTheImageAndItsFlipUnderOneImageIdAndTheNetworkTrainsOnThem() {
        DistillTerm mcl = new DistillTerm(DistillTerm.Kind.MCL, "logits", "logits", 1.0, 0.2);
        SegmentationObjective o = SegmentationObjective.of(tinyStudent(), Map.of(), List.of(mcl));
        ShardRecord r = record("cityscapes/train/a/a_1", 3);
        MultiDataSet m = Examples.build(r, o, Map.of());
        assertEquals(2, m.getFeatures(0).size(0), "two views");
        assertArrayEquals(
                Examples.image(Examples.flippedHorizontally(r)).dup().data().asFloat(),
                m.getFeatures(0).slice(1).dup().data().asFloat(),
                0f);
        INDArray ids = m.getLabels(2);
        assertEquals(Examples.imageId(r.sampleId()), ids.getFloat(0, 0));
        assertEquals(ids.getFloat(0, 0), ids.getFloat(1, 0));
        // The task labels of the flipped view are mirrored too (left half class 1 becomes the right half).
        assertEquals(2f, m.getLabels(0).getFloat(1, 0));
        assertEquals(m.getLabels(0), m.getLabels(1), "the peer learns the same task");

        ComputationGraph net = new ComputationGraph(o.configuration());
        net.init();
        MultiDataSet batch =
                org.nd4j.linalg.dataset.MultiDataSet.merge(List.of(m, Examples.build(record("b", 4), o, Map.of())));
        double before = net.score(batch);
        for (int i = 0; i < 5; i++) net.fit(batch);
        assertTrue(net.score(batch) < before, "the joint objective falls on one minibatch");
    }

    @Test
    void flippingTwiceGivesTheRecordBack() {
        ShardRecord r = record("x", 9);
        assertEquals(r, Examples.flippedHorizontally(Examples.flippedHorizontally(r)));
        assertFalse(r.equals(Examples.flippedHorizontally(r)));
    }

    @Test
    void mclWithATeacherTermIsRefusedBecauseTheFlippedViewHasNoTeacherOutput() {
        ModelBlueprint s = tinyStudent();
        List<DistillTerm> terms = List.of(
                new DistillTerm(DistillTerm.Kind.MCL, "logits", "logits", 1, 0.2),
                new DistillTerm(DistillTerm.Kind.PIXEL_KD, "logits", "logits", 1, 4));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SegmentationObjective.of(s, Map.of("logits", s.tap("logits")), terms));
        assertTrue(e.getMessage().contains("pixel-kd@logits"), e.getMessage());
    }

    @Test
    void mclNamingAPeerTapThatDoesNotExistSaysWhichTapsThereAre() {
        DistillTerm mcl = new DistillTerm(DistillTerm.Kind.MCL, "logits", "nope", 1, 0.2);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> SegmentationObjective.of(tinyStudent(), Map.of(), List.of(mcl)));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("logits"), e.getMessage());
    }

    @Test
    void mutualAndMclShareOnePeer() {
        List<DistillTerm> terms = List.of(
                new DistillTerm(DistillTerm.Kind.MUTUAL, "logits", "none", 1, 1),
                new DistillTerm(DistillTerm.Kind.MCL, "logits", "logits", 1, 0.2));
        SegmentationObjective o = SegmentationObjective.of(tinyStudent(), Map.of(), terms);
        assertEquals(List.of("task", "peer_task", "mutual@logits", "mcl@logits~logits"), o.outputNames());
        MultiDataSet m = Examples.build(record("c", 1), o, Map.of());
        assertEquals(4, m.getLabels().length);
        ComputationGraph net = new ComputationGraph(o.configuration());
        net.init();
        net.fit(m);
        assertTrue(Double.isFinite(net.score()));
    }
}
