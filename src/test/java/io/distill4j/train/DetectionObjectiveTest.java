package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.DistillTerm;
import io.distill4j.data.DetectionLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.eval.detect.CenterNetTargets;
import io.distill4j.model.ContextHead;
import io.distill4j.model.DetectionModel;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;

class DetectionObjectiveTest {
    /** COCO category ids of the two heatmap channels. */
    static final int[] CATEGORIES = {3, 18};

    static ModelBlueprint student() {
        return DetectionModel.blueprint(
                new ModelSpec(Task.DETECTION, "det-student", 4, 1, 4, 2, 32, 32, 7L, ContextHead.NONE, 1e-2));
    }

    /** A 32x32 sample: a category-18 box centred at (14, 22), a category-3 box, and a crowd box. */
    static ShardRecord sample() {
        byte[] image = new byte[3 * 32 * 32];
        new Random(3).nextBytes(image);
        return new ShardRecord(
                "s1",
                "coco",
                "train2017",
                32,
                32,
                64,
                64,
                image,
                new DetectionLabels(
                        1L,
                        new float[] {10, 18, 8, 8, 0, 0, 12, 6, 20, 0, 10, 10},
                        new int[] {18, 3, 3},
                        new float[] {256, 288, 400},
                        new boolean[] {false, false, true}),
                "mem:s1");
    }

    /** Teacher outputs as a cache would describe them: heatmap as the student's, head_feat wider. */
    static Map<String, TapInfo> teacherOutputs() {
        Map<String, TapInfo> m = new LinkedHashMap<>();
        m.put("heatmap", new TapInfo("heatmap", "heatmap", 2, 8, 8));
        m.put("head_feat", new TapInfo("head_feat", "head_feat", 16, 8, 8));
        return m;
    }

    static Map<String, float[]> teacherValues() {
        Random r = new Random(5);
        Map<String, float[]> m = new LinkedHashMap<>();
        for (TapInfo t : teacherOutputs().values()) {
            float[] v = new float[t.flatSize()];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            m.put(t.name(), v);
        }
        return m;
    }

    static List<DistillTerm> heatmapKdAndFeatureCwd() {
        return List.of(
                new DistillTerm(DistillTerm.Kind.PIXEL_KD, "heatmap", "heatmap", 1.0, 2.0),
                new DistillTerm(DistillTerm.Kind.CWD, "head_feat", "head_feat", 1.0, 1.0));
    }

    @Test
    void targetsAreEncodedAtTheOutputStrideWithCategoriesMappedToChannels() {
        CenterNetTargets.Targets t = DetectionExamples.targets(sample(), CATEGORIES, 4);
        assertEquals(8, t.height());
        assertEquals(8, t.width());
        int hw = 64;
        int centre = 5 * 8 + 3; // (14, 22) / 4 = (3.5, 5.5)
        assertEquals(1f, t.heatmap()[hw + centre], "category 18 peaks in channel 1");
        assertEquals(2f, t.reg()[centre], 1e-6, "width in grid units");
        assertEquals(2f, t.reg()[hw + centre], 1e-6, "height in grid units");
        assertEquals(0.5f, t.reg()[2 * hw + centre], 1e-6, "dx");
        assertEquals(0.5f, t.reg()[3 * hw + centre], 1e-6, "dy");
        float peaks = 0;
        for (float m : t.mask()) peaks += m;
        assertEquals(2f, peaks, "the crowd box gets no centre");
    }

    @Test
    void labelsFollowTheOutputsAndTheirShapes() {
        DetectionObjective o = DetectionObjective.of(
                student(), CATEGORIES, teacherOutputs(), heatmapKdAndFeatureCwd(), null, Map.of());
        assertEquals(
                List.of(
                        DetectionObjective.HEATMAP_OUTPUT,
                        DetectionObjective.SIZE_OUTPUT,
                        DetectionObjective.OFFSET_OUTPUT,
                        "pixel-kd@heatmap",
                        "cwd@head_feat"),
                o.outputNames());
        assertEquals(List.of("heatmap", "head_feat"), o.teacherOutputsNeeded());
        MultiDataSet ex = o.example(sample(), teacherValues());
        assertEquals(o.outputNames().size(), ex.getLabels().length);
        int hw = 64;
        long[] columns = java.util.Arrays.stream(ex.getLabels())
                .mapToLong(l -> l.size(1))
                .toArray();
        assertArrayEquals(new long[] {2 * hw, 2 * hw + hw, 2 * hw + hw, 2 * hw, 16 * hw}, columns);
        assertArrayEquals(
                teacherValues().get("head_feat"), ex.getLabels(4).data().asFloat());

        // The graph accepts exactly these labels: a forward/backward pass scores every output.
        ComputationGraph net = new ComputationGraph(o.configuration());
        net.init();
        net.setInputs(ex.getFeatures());
        net.setLabels(ex.getLabels());
        net.computeGradientAndScore();
        assertTrue(Double.isFinite(net.score()) && net.score() > 0, "score " + net.score());
        assertTrue(
                net.getConfiguration().getVertices().containsKey("adapter_cwd@head_feat"), "8 -> 16 channel adapter");
    }

    @Test
    void fittingOneExampleLowersTheDetectionLoss() {
        DetectionObjective o = DetectionObjective.of(student(), CATEGORIES);
        MultiDataSet ex = o.example(sample(), Map.of());
        ComputationGraph net = new ComputationGraph(o.configuration());
        net.init();
        double first = net.score(ex);
        for (int i = 0; i < 15; i++) net.fit(ex);
        double last = net.score(ex);
        assertTrue(last < first * 0.8, first + " -> " + last);
    }

    @Test
    void exportedStudentHasOnlyTheTaskOutputs() {
        DetectionObjective o = DetectionObjective.of(
                student(), CATEGORIES, teacherOutputs(), heatmapKdAndFeatureCwd(), null, Map.of());
        ComputationGraph s = new ComputationGraph(o.studentOnlyConfiguration());
        s.init();
        assertEquals(
                List.of(
                        DetectionObjective.HEATMAP_OUTPUT,
                        DetectionObjective.SIZE_OUTPUT,
                        DetectionObjective.OFFSET_OUTPUT),
                s.getConfiguration().getNetworkOutputs());
        assertTrue(s.getConfiguration().getVertices().keySet().stream().noneMatch(v -> v.startsWith("adapter_")));
    }

    @Test
    void termsThatMakeNoSenseOnADetectorAreRefusedNamingTheKey() {
        IllegalArgumentException mutual = assertThrows(
                IllegalArgumentException.class,
                () -> DetectionObjective.of(
                        student(),
                        CATEGORIES,
                        teacherOutputs(),
                        List.of(new DistillTerm(DistillTerm.Kind.MUTUAL, "heatmap", "heatmap", 1, 1)),
                        null,
                        Map.of()));
        assertTrue(mutual.getMessage().contains("distill.terms"), mutual.getMessage());
        IllegalArgumentException kd = assertThrows(
                IllegalArgumentException.class,
                () -> DetectionObjective.of(
                        student(),
                        CATEGORIES,
                        teacherOutputs(),
                        List.of(new DistillTerm(DistillTerm.Kind.PIXEL_KD, "head_feat", "head_feat", 1, 1)),
                        null,
                        Map.of()));
        assertTrue(kd.getMessage().contains("heatmap"), kd.getMessage());
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> DetectionObjective.of(
                        student(),
                        CATEGORIES,
                        teacherOutputs(),
                        List.of(new DistillTerm(DistillTerm.Kind.CWD, "reg", "reg", 1, 1)),
                        null,
                        Map.of()));
        assertTrue(missing.getMessage().contains("cache.outputs"), missing.getMessage());
    }

    @Test
    void unknownCategoryNamesTheSample() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> DetectionExamples.targets(sample(), new int[] {3, 4}, 4));
        assertTrue(e.getMessage().contains("s1") && e.getMessage().contains("18"), e.getMessage());
    }

    @Test
    void crossKdGraftsTheTeachersFrozenHeadOntoTheStudentsHeadFeatures() {
        ModelBlueprint teacherModel = DetectionModel.blueprint(new ModelSpec(
                Task.DETECTION, "det-teacher", 8, 1, 4, 2, 32, 32, 42L, ContextHead.PYRAMID_POOLING, 1e-2));
        ComputationGraph teacher = new ComputationGraph(
                DetectionObjective.of(teacherModel, CATEGORIES).studentOnlyConfiguration());
        teacher.init();
        List<DistillTerm> terms = List.of(
                new DistillTerm(DistillTerm.Kind.CROSSKD, "head_feat", "heatmap", 1.0, 1.0),
                new DistillTerm(DistillTerm.Kind.CROSSKD, "head_feat", "reg", 1.0, 1.0));
        DetectionObjective o =
                DetectionObjective.of(student(), CATEGORIES, teacherModel.taps(), terms, teacher, teacherModel.taps());
        assertEquals(
                List.of(false, true),
                o.terms().stream().map(DetectionObjective.Term::centreMasked).toList(),
                "the reg term carries the ground-truth centre mask");
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("heatmap", new float[2 * 64]);
        values.put("reg", new float[4 * 64]);
        MultiDataSet ex = o.example(sample(), values);
        assertEquals(4 * 64 + 64, ex.getLabels(4).size(1));
        ComputationGraph net = new ComputationGraph(o.configuration());
        net.init();
        o.initialize(net);
        String grafted = "crosskd_head_feat_heatmap";
        assertEquals(teacher.getLayer("heatmap").params(), net.getLayer(grafted).params(), "teacher parameters copied");
        net.setInputs(ex.getFeatures());
        net.setLabels(ex.getLabels());
        net.computeGradientAndScore();
        assertTrue(Double.isFinite(net.score()), "score " + net.score());
    }
}
