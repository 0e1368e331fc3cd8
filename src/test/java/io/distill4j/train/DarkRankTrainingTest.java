package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.DistillTerm;
import io.distill4j.config.TrainSettings;
import io.distill4j.distill.DarkRankLoss;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.method.DarkRankOptions;
import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.SegmentationModel;
import io.distill4j.model.TapInfo;
import io.distill4j.model.Task;
import io.distill4j.util.NativeSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.Repartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A darkrank term wired by {@link SegmentationObjective} and trained by {@link SparkTrainer} on
 * local[2]: the workers' minibatches hold several images when the loss runs, and training lowers
 * the term's own loss on a fixed batch.
 */
@Tag("spark")
class DarkRankTrainingTest {
    private static final int IMAGES = 16;
    /** A teacher tap at another stride and width than the student's logits: DarkRank pools both. */
    private static final TapInfo TEACHER_FEATURES = new TapInfo("feat", "feat", 6, 2, 4);

    private static ModelBlueprint student() {
        return SegmentationModel.blueprint(
                new ModelSpec(Task.SEGMENTATION, "tiny", 4, 1, 4, 19, 16, 32, 3L, ContextHead.NONE, 0.01));
    }

    private static SegmentationObjective objective(DarkRankOptions options) {
        DistillTerm term = new DistillTerm(DistillTerm.Kind.DARKRANK, "logits", "feat", 1.0, 1.0, options);
        return SegmentationObjective.of(student(), Map.of("feat", TEACHER_FEATURES), List.of(term));
    }

    private static LossLayer layer(ComputationGraphConfiguration conf, String name) {
        return (LossLayer)
                ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
    }

    @Test
    void objectiveFeedsTheStudentLogitsAndTheCachedTapToADarkRankOutput() {
        SegmentationObjective o = objective(new DarkRankOptions(2.0, 3.0, 5, false));
        assertEquals(List.of("task", "darkrank@logits"), o.outputNames());
        ComputationGraphConfiguration conf =
                ComputationGraphConfiguration.fromJson(o.configuration().toJson());
        assertEquals(
                new DarkRankLoss(19, 4 * 8, 6, 2 * 4, 2.0, 3.0, 5, DarkRankLoss.Transfer.HARD, 1.0),
                layer(conf, "darkrank@logits").getLossFn());
        assertEquals(
                List.of(o.logits().vertexName()),
                conf.getVertexInputs().get("darkrank@logits"),
                "no adapter: only distances within each network are compared");
    }

    /**
     * Images with a per-image colour; the teacher's features are a fixed random function of that
     * colour, so the student can learn the teacher's ranking of the images.
     */
    private static List<MultiDataSet> examples() {
        Random random = new Random(17);
        double[][] projection = new double[TEACHER_FEATURES.channels()][3];
        for (double[] row : projection) for (int c = 0; c < 3; c++) row[c] = random.nextGaussian();
        List<MultiDataSet> out = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            double[] colour = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
            INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, 16, 32).muli(0.2);
            for (int c = 0; c < 3; c++)
                image.get(
                                org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                                org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                        .addi(colour[c] * 2 - 1);
            float[] task = new float[4 * 8];
            for (int j = 0; j < task.length; j++) task[j] = random.nextInt(19);
            float[] teacher = new float[TEACHER_FEATURES.flatSize()];
            int pixels = TEACHER_FEATURES.height() * TEACHER_FEATURES.width();
            for (int ch = 0; ch < TEACHER_FEATURES.channels(); ch++) {
                double v = 0;
                for (int c = 0; c < 3; c++) v += projection[ch][c] * colour[c];
                for (int p = 0; p < pixels; p++) teacher[ch * pixels + p] = (float) (v + 0.05 * random.nextGaussian());
            }
            out.add(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {image}, new INDArray[] {
                Nd4j.create(task, new long[] {1, task.length}, 'c'),
                Nd4j.create(teacher, new long[] {1, teacher.length}, 'c')
            }));
        }
        return out;
    }

    @Test
    void sparkTrainingOnSeveralImagesPerMinibatchLowersTheDarkRankLoss() throws Exception {
        NativeSetup.init();
        SparkSession spark = SparkSessions.start(ConfigLoader.load(null, List.of("spark.master=\"local[2]\"")));
        try {
            SegmentationObjective objective = objective(DarkRankOptions.DEFAULTS);
            ComputationGraphConfiguration conf = objective.configuration();
            LossLayer darkRank = layer(conf, "darkrank@logits");
            darkRank.setLossFn(new MinibatchSizeRecorder(darkRank.getLossFn()));
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            List<MultiDataSet> examples = examples();
            ScoreProbe probe = new ScoreProbe(org.nd4j.linalg.dataset.MultiDataSet.merge(examples));
            double before = probe.scores(net).get("darkrank@logits");
            MinibatchSizeRecorder.GRADIENT_BATCH_SIZES.clear();

            TrainSettings ts = new TrainSettings(4, 4, 1, 2, 0.01, 1, 0, Repartition.Never);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<MultiDataSet> rdd = sc.parallelize(examples, 2);
            ComputationGraph trained = new SparkTrainer(sc, ts).train(net, 1, e -> rdd, null, (e, n, m) -> {});
            List<Long> seen = List.copyOf(MinibatchSizeRecorder.GRADIENT_BATCH_SIZES);
            double after = probe.scores(trained).get("darkrank@logits");

            System.out.printf(
                    "darkrank loss on the fixed batch of %d: %.4f -> %.4f after %d epochs; gradient batch sizes %s%n",
                    IMAGES, before, after, ts.epochs(), seen);
            assertTrue(!seen.isEmpty(), "the darkrank loss computed gradients on the workers");
            assertTrue(seen.stream().allMatch(n -> n == 4), "minibatches of 4 one-image examples: " + seen);
            assertTrue(before > 0, "untrained student disagrees with the teacher: " + before);
            assertTrue(after < 0.8 * before, "darkrank loss on the fixed batch " + before + " -> " + after);
        } finally {
            spark.stop();
        }
    }
}
