package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.TrainSettings;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.SegmentationModel;
import io.distill4j.model.Task;
import io.distill4j.util.NativeSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.Repartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One round of DL4J's synchronous parameter averaging on local[2] equals training two copies of
 * the network separately, one per data partition, and averaging their parameters.
 */
@Tag("spark")
class ParameterAveragingTest {
    @Test
    void oneAveragingRoundEqualsTheMeanOfSeparatelyTrainedWorkers() throws Exception {
        NativeSetup.init();
        Distill4jConfig config = ConfigLoader.load(null, List.of("spark.master=\"local[2]\""));
        SparkSession spark = SparkSessions.start(config);
        try {
            ModelBlueprint bp = SegmentationModel.blueprint(
                    new ModelSpec(Task.SEGMENTATION, "tiny", 4, 1, 4, 19, 16, 32, 3L, ContextHead.NONE, 0.01));
            SegmentationObjective objective = SegmentationObjective.of(bp, Map.of(), List.of());
            ComputationGraph init = new ComputationGraph(objective.configuration());
            init.init();
            List<MultiDataSet> examples = new ArrayList<>();
            Random rnd = new Random(5);
            for (int i = 0; i < 8; i++) {
                float[] labels = new float[4 * 8];
                for (int j = 0; j < labels.length; j++) labels[j] = rnd.nextInt(20) == 0 ? 255 : rnd.nextInt(19);
                examples.add(new org.nd4j.linalg.dataset.MultiDataSet(
                        new INDArray[] {Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 16, 32)},
                        new INDArray[] {Nd4j.create(labels, new long[] {1, labels.length}, 'c')}));
            }
            // 2 workers x 2 minibatches of 2 examples: exactly one averaging round, one partition each.
            TrainSettings ts = new TrainSettings(1, 2, 2, 2, 0.01, 1, 0, Repartition.Never);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<MultiDataSet> rdd = sc.parallelize(examples, 2);
            ComputationGraph averaged =
                    new SparkTrainer(sc, ts).train(init.clone(), 1, e -> rdd, null, (e, n, m) -> {});

            INDArray sum = null;
            for (int w = 0; w < 2; w++) {
                ComputationGraph worker = init.clone();
                for (int b = 0; b < 2; b++) {
                    int from = w * 4 + b * 2;
                    worker.fit(org.nd4j.linalg.dataset.MultiDataSet.merge(examples.subList(from, from + 2)));
                }
                sum = sum == null ? worker.params().dup() : sum.addi(worker.params());
            }
            INDArray expected = sum.divi(2);
            INDArray got = averaged.params();
            double rel = got.sub(expected).norm2Number().doubleValue()
                    / expected.norm2Number().doubleValue();
            double moved = got.sub(init.params()).norm2Number().doubleValue()
                    / init.params().norm2Number().doubleValue();
            assertTrue(moved > 1e-4, "training changed the parameters (" + moved + ")");
            assertTrue(rel < 1e-5, "averaged parameters differ from the mean of the workers by " + rel);
        } finally {
            spark.stop();
        }
    }
}
