package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.TrainSettings;
import io.distill4j.distill.AnchorWeights;
import io.distill4j.distill.MutualContrastiveLoss;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.method.LayerWeightOptions;
import io.distill4j.util.NativeSetup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.Repartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** L-MCL with meta-learned anchor weights: meta rounds on the driver between Spark epochs on local[2]. */
@Tag("spark")
class MetaWeightSparkTrainingTest {
    private static final int EPOCHS = 4;

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void metaRoundsMovePhiBetweenEpochsTheLossFallsAndTheStateRestoresExactly() throws Exception {
        NativeSetup.init();
        SparkSession spark = SparkSessions.start(ConfigLoader.load(null, List.of("spark.master=\"local[2]\"")));
        try {
            LayerWeightOptions options = new LayerWeightOptions(true, 2, 1e-2, 0.01, 16);
            SegmentationObjective objective = LookAheadMetaGradientTest.objective(options);
            List<String> outputs = objective.metaWeightedTerms().stream()
                    .map(SegmentationObjective.Term::output)
                    .toList();
            List<MultiDataSet> examples = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                examples.add(
                        Examples.build(MclObjectiveTest.record("cityscapes/train/x/x_" + i, i), objective, Map.of()));
            }
            MultiDataSet probe = org.nd4j.linalg.dataset.MultiDataSet.merge(examples);
            ComputationGraph net = new ComputationGraph(objective.configuration());
            net.init();
            double before = contrastiveLoss(net, probe, outputs);

            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<MultiDataSet> rdd = sc.parallelize(examples, 2);
            TrainSettings ts = new TrainSettings(EPOCHS, 4, 1, 2, 0.01, 5, 0, Repartition.Never);
            FileSystem fs = FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
            RunDirectory run = new RunDirectory(fs, new Path(tmp.resolve("run").toUri()));
            MetaWeightRounds rounds = new MetaWeightRounds(sc, run, objective, ts);

            List<Map<String, AnchorWeights>> phi = new ArrayList<>();
            List<Map<String, Double>> metrics = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            SparkTrainer.BetweenEpochs recorded = new SparkTrainer.BetweenEpochs() {
                @Override
                public void start(int firstEpoch) {
                    rounds.start(firstEpoch);
                    phi.add(rounds.weights());
                }

                @Override
                public Map<String, Double> beforeEpoch(int epoch, ComputationGraph n, EpochData<?> data) {
                    Map<String, Double> m = rounds.beforeEpoch(epoch, n, data);
                    metrics.add(m);
                    phi.add(rounds.weights());
                    return m;
                }

                @Override
                public String describe(Map<String, Double> report) {
                    return rounds.describe(report);
                }
            };
            ComputationGraph trained = new SparkTrainer(sc, ts)
                    .train(
                            net,
                            1,
                            e -> rdd,
                            null,
                            recorded,
                            (e, n, m) -> losses.add(contrastiveLoss(n, probe, outputs)));
            System.out.printf("l-mcl meta: unweighted L-MCL loss %.4f -> %s; rounds %s%n", before, losses, metrics);

            for (int e = 0; e < EPOCHS; e++) {
                assertEquals(2.0, metrics.get(e).get("meta_steps"));
                for (String k : outputs) {
                    double alpha = metrics.get(e).get("alpha@" + k);
                    assertTrue(alpha > 0 && alpha < 1, "alpha@" + k + " in round " + (e + 1) + ": " + alpha);
                    assertFalse(
                            Arrays.equals(
                                    phi.get(e).get(k).params(),
                                    phi.get(e + 1).get(k).params()),
                            "round " + (e + 1) + " moves phi of " + k);
                }
            }
            assertTrue(losses.get(EPOCHS - 1) < before, "the L-MCL loss falls: " + before + " -> " + losses);
            // The workers trained with the installed weights: those of the last round are in the network.
            for (String k : outputs) {
                assertEquals(
                        phi.get(EPOCHS).get(k),
                        OutputLosses.get(trained, k, MutualContrastiveLoss.class)
                                .anchorWeights());
            }
            for (int e = 1; e <= EPOCHS; e++) {
                assertTrue(fs.exists(run.file(String.format("meta/epoch-%04d.json", e))), "meta state of epoch " + e);
            }
            // A run resumed after epoch 2 starts from phi and Adam as saved before epoch 2, bit for bit.
            MetaWeightRounds resumed = new MetaWeightRounds(sc, run, objective, ts);
            resumed.start(3);
            for (String k : outputs)
                assertArrayEquals(
                        phi.get(2).get(k).params(), resumed.weights().get(k).params(), 0.0);
            assertEquals(2 * 2, resumed.adamSteps());
            MetaWeightRounds missing = new MetaWeightRounds(
                    sc, new RunDirectory(fs, new Path(tmp.resolve("none").toUri())), objective, ts);
            RuntimeException gone = assertThrows(RuntimeException.class, () -> missing.start(2));
            assertTrue(gone.getMessage().contains("meta/epoch-0001.json"), gone.getMessage());
        } finally {
            spark.stop();
        }
    }

    /**
     * Sum over the L-MCL pairs of the unweighted loss sum_n r(n) on the batch, training mode (batch
     * statistics, as the trainer computes it): alpha changes between rounds, the contrastive task
     * it weighs is what should fall.
     */
    private static double contrastiveLoss(ComputationGraph net, MultiDataSet batch, List<String> outputs) {
        var activations = net.clone().feedForward(batch.getFeatures(), true, false);
        List<String> all = net.getConfiguration().getNetworkOutputs();
        double sum = 0;
        for (String k : outputs) {
            MutualContrastiveLoss loss = OutputLosses.get(net, k, MutualContrastiveLoss.class);
            sum += Arrays.stream(loss.anchorLosses(
                            batch.getLabels(all.indexOf(k)),
                            activations
                                    .get(SegmentationObjective.MCL_MERGE_PREFIX + k)
                                    .castTo(DataType.FLOAT)))
                    .sum();
        }
        return sum;
    }
}
