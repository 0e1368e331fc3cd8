package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.cache.ModelFiles;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.DistillTerm;
import io.distill4j.config.TrainSettings;
import io.distill4j.distill.HolisticLoss;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.method.HolisticOptions;
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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Holistic distillation wired by {@link SegmentationObjective} and trained by {@link SparkTrainer}
 * on local[2] with {@link HolisticCriticRounds} between the epochs: the critic learns to tell the
 * teacher's maps from the student's, the student lowers its own term against each round's frozen
 * critic, the workers train against the critic installed on the driver, and the saved critic state
 * restores exactly.
 */
@Tag("spark")
class HolisticTrainingTest {
    private static final int IMAGES = 16;
    private static final int CLASSES = 19;
    private static final TapInfo TEACHER_LOGITS = new TapInfo("logits", "logits", CLASSES, 4, 8);
    private static final String OUTPUT = "holistic@logits";

    @TempDir
    java.nio.file.Path tmp;

    private static ModelBlueprint student() {
        return SegmentationModel.blueprint(
                new ModelSpec(Task.SEGMENTATION, "tiny", 4, 1, 4, CLASSES, 16, 32, 3L, ContextHead.NONE, 0.01));
    }

    private static SegmentationObjective objective(HolisticOptions options) {
        DistillTerm term = new DistillTerm(DistillTerm.Kind.HOLISTIC, "logits", "logits", 1.0, 1.0, options);
        return SegmentationObjective.of(student(), Map.of("logits", TEACHER_LOGITS), List.of(term));
    }

    @Test
    void objectiveAddsOneHolisticOutputOnTheLogitsAndRefusesOtherTaps() {
        SegmentationObjective o = objective(HolisticOptions.DEFAULTS);
        assertEquals(List.of("task", OUTPUT), o.outputNames());
        assertEquals(List.of("logits"), o.teacherOutputsNeeded());
        assertEquals(1, o.holisticTerms().size());
        DistillTerm neck = new DistillTerm(DistillTerm.Kind.HOLISTIC, "neck", "logits", 1.0, 1.0);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SegmentationObjective.of(student(), Map.of("logits", TEACHER_LOGITS), List.of(neck)));
        assertTrue(e.getMessage().contains("holistic@neck") && e.getMessage().contains("logits"), e.getMessage());
        DistillTerm twice = new DistillTerm(DistillTerm.Kind.HOLISTIC, "logits", "logits", 0.5, 1.0);
        IllegalArgumentException two = assertThrows(
                IllegalArgumentException.class,
                () -> SegmentationObjective.of(student(), Map.of("logits", TEACHER_LOGITS), List.of(twice, twice)));
        assertTrue(two.getMessage().contains("one holistic"), two.getMessage());
    }

    /**
     * Images whose left and right halves have two colours; the teacher labels the left half with
     * one class and the right half with another, confidently: a spatial structure the critic can
     * learn and a random student lacks.
     */
    private static List<MultiDataSet> examples() {
        Random random = new Random(23);
        List<MultiDataSet> out = new ArrayList<>();
        int p = TEACHER_LOGITS.height() * TEACHER_LOGITS.width();
        for (int i = 0; i < IMAGES; i++) {
            int left = random.nextInt(CLASSES), right = (left + 1 + random.nextInt(CLASSES - 1)) % CLASSES;
            float[] image = new float[3 * 16 * 32];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 32; x++) {
                        image[(c * 16 + y) * 32 + x] =
                                (float) ((x < 16 ? left : right) * 0.1 * (c + 1) - 1 + 0.1 * random.nextGaussian());
                    }
                }
            }
            float[] teacher = new float[CLASSES * p];
            float[] task = new float[p];
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 8; x++) {
                    int cls = x < 4 ? left : right;
                    task[y * 8 + x] = cls;
                    teacher[cls * p + y * 8 + x] = 5f;
                }
            }
            float[] grid = Examples.imageAtGrid(image, 16, 32, 4, 8);
            float[] holistic = new float[grid.length + teacher.length];
            System.arraycopy(grid, 0, holistic, 0, grid.length);
            System.arraycopy(teacher, 0, holistic, grid.length, teacher.length);
            out.add(new org.nd4j.linalg.dataset.MultiDataSet(
                    new INDArray[] {Nd4j.create(image, new long[] {1, 3, 16, 32}, 'c')}, new INDArray[] {
                        Nd4j.create(task, new long[] {1, p}, 'c'),
                        Nd4j.create(holistic, new long[] {1, holistic.length}, 'c')
                    }));
        }
        return out;
    }

    @Test
    void criticRoundsAndSparkEpochsAlternateAndTheCriticStateRestoresExactly() throws Exception {
        NativeSetup.init();
        SparkSession spark = SparkSessions.start(ConfigLoader.load(null, List.of("spark.master=\"local[2]\"")));
        try {
            HolisticOptions options = new HolisticOptions(40, 60, 4, IMAGES, 1e-3, 10.0, 8, 3);
            SegmentationObjective objective = objective(options);
            ComputationGraph net = new ComputationGraph(objective.configuration());
            net.init();
            List<MultiDataSet> examples = examples();
            ScoreProbe probe = new ScoreProbe(org.nd4j.linalg.dataset.MultiDataSet.merge(examples));
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<MultiDataSet> rdd = sc.parallelize(examples, 2);
            TrainSettings ts = new TrainSettings(3, 4, 1, 2, 0.01, 5, 0, Repartition.Never);
            FileSystem fs = FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
            RunDirectory run = new RunDirectory(fs, new Path(tmp.resolve("run").toUri()));
            HolisticCriticRounds rounds = new HolisticCriticRounds(sc, run, objective, ts);

            List<Double> before = new ArrayList<>(), after = new ArrayList<>(), wasserstein = new ArrayList<>();
            List<double[]> critics = new ArrayList<>();
            SparkTrainer.BetweenEpochs recorded = new SparkTrainer.BetweenEpochs() {
                @Override
                public void start(int firstEpoch) {
                    rounds.start(firstEpoch);
                }

                @Override
                public Map<String, Double> beforeEpoch(int epoch, ComputationGraph n, EpochData<?> data) {
                    Map<String, Double> m = rounds.beforeEpoch(epoch, n, data);
                    wasserstein.add(m.get("wasserstein"));
                    critics.add(rounds.critic().params());
                    before.add(probe.scores(n).get(OUTPUT));
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
                            (e, n, m) -> after.add(probe.scores(n).get(OUTPUT)));

            System.out.printf(
                    "holistic: critic W per round %s; student term before/after each epoch %s / %s%n",
                    wasserstein, before, after);
            for (int e = 0; e < 3; e++) {
                assertTrue(
                        wasserstein.get(e) > 0,
                        "round " + (e + 1) + ": the critic scores teacher maps above the student's: " + wasserstein);
                assertTrue(
                        after.get(e) < before.get(e),
                        "epoch " + (e + 1) + ": the student lowers its term against the frozen " + "critic: " + before
                                + " -> " + after);
            }
            // The workers trained against the installed critic, which is the one in the network, its
            // configuration (what Spark broadcasts) and its checkpoint bytes.
            HolisticLoss installed = OutputLosses.get(trained, OUTPUT, HolisticLoss.class);
            assertArrayEquals(critics.get(2), installed.critic().params(), 0.0);
            assertArrayEquals(
                    critics.get(2),
                    OutputLosses.get(ModelFiles.fromBytes(ModelFiles.bytes(trained)), OUTPUT, HolisticLoss.class)
                            .critic()
                            .params(),
                    0.0);
            for (int e = 1; e <= 3; e++) {
                assertTrue(
                        fs.exists(run.file(String.format("critic/epoch-%04d.json", e))), "critic state of epoch " + e);
            }
            // A run resumed after epoch 2 starts from the critic trained before epoch 2, bit for bit.
            HolisticCriticRounds resumed = new HolisticCriticRounds(sc, run, objective, ts);
            resumed.start(3);
            assertArrayEquals(critics.get(1), resumed.critic().params(), 0.0);
            HolisticCriticRounds missing = new HolisticCriticRounds(
                    sc, new RunDirectory(fs, new Path(tmp.resolve("none").toUri())), objective, ts);
            RuntimeException gone = assertThrows(RuntimeException.class, () -> missing.start(2));
            assertTrue(gone.getMessage().contains("critic/epoch-0001.json"), gone.getMessage());
        } finally {
            spark.stop();
        }
    }

    @Test
    void examplesCarryTheImageAtTheGridThenTheTeacherLogits() {
        float[] chw = new float[3 * 4 * 6];
        for (int i = 0; i < chw.length; i++) chw[i] = i;
        float[] grid = Examples.imageAtGrid(chw, 4, 6, 2, 3);
        // Cell (0,0) of channel 0 averages rows 0-1, columns 0-1: values 0, 1, 6, 7.
        assertEquals(3.5f, grid[0], 1e-6);
        // Cell (1,2) of channel 2 averages rows 2-3, columns 4-5 of the third channel.
        assertEquals((64 + 65 + 70 + 71) / 4f, grid[2 * 6 + 5], 1e-6);
        assertEquals(3 * 6, grid.length);
        assertEquals(DataType.FLOAT, Nd4j.create(grid).dataType());
    }
}
