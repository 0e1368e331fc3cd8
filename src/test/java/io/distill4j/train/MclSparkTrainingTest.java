package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.DistillTerm;
import io.distill4j.config.TrainSettings;
import io.distill4j.distill.MutualContrastiveLoss;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.util.NativeSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.Repartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** Two students trained with MCL by the Spark parameter-averaging trainer on local[2]. */
@Tag("spark")
class MclSparkTrainingTest {
    @Test
    void parameterAveragedMclTrainingLowersTheContrastiveLoss() throws Exception {
        NativeSetup.init();
        Distill4jConfig config = ConfigLoader.load(null, List.of("spark.master=\"local[2]\""));
        SparkSession spark = SparkSessions.start(config);
        try {
            DistillTerm term = new DistillTerm(DistillTerm.Kind.MCL, "logits", "logits", 1.0, 0.2);
            SegmentationObjective objective =
                    SegmentationObjective.of(MclObjectiveTest.tinyStudent(), Map.of(), List.of(term));
            String output = objective.terms().get(0).output();
            List<MultiDataSet> examples = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                examples.add(
                        Examples.build(MclObjectiveTest.record("cityscapes/train/x/x_" + i, i), objective, Map.of()));
            }
            MultiDataSet probe = org.nd4j.linalg.dataset.MultiDataSet.merge(examples);
            ComputationGraph init = new ComputationGraph(objective.configuration());
            init.init();
            double before = contrastiveScore(init.clone(), probe, output);

            // 4 images (8 rows) per worker minibatch: with 2 images a minibatch, the contrastive task is too
            // small to carry over to the 8 images measured here (measured: the soft terms then rise).
            TrainSettings ts = new TrainSettings(10, 8, 1, 2, 0.01, 1, 0, Repartition.Never);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<MultiDataSet> rdd = sc.parallelize(examples, 2);
            ComputationGraph trained = new SparkTrainer(sc, ts).train(init.clone(), 1, e -> rdd, null, (e, n, m) -> {});
            double after = contrastiveScore(trained.clone(), probe, output);
            // Measured 10.68 -> 8.02 (chance level is about 10.7: log 15 twice, log 16 twice).
            assertTrue(after < 0.85 * before, "MCL loss on the training images: " + before + " -> " + after);
        } finally {
            spark.stop();
        }
    }

    /**
     * The MCL output's own loss on a batch, from the merged projections the loss layer sees, in
     * training mode (batch statistics, as the trainer computes it: a dozen steps leave the batch
     * norms' running averages far from the batch statistics).
     */
    private static double contrastiveScore(ComputationGraph net, MultiDataSet batch, String output) {
        var activations = net.feedForward(batch.getFeatures(), true, false);
        int index = net.getConfiguration().getNetworkOutputs().indexOf(output);
        var layer = (org.deeplearning4j.nn.conf.layers.LossLayer)
                net.getLayer(output).conf().getLayer();
        MutualContrastiveLoss loss = (MutualContrastiveLoss) layer.getLossFn();
        return loss.computeScore(
                batch.getLabels(index), activations.get("mcl_merge_" + output), new ActivationIdentity(), null, true);
    }
}
