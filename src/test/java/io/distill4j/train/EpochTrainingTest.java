package io.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.TrainSettings;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.SegmentationModel;
import io.distill4j.model.Task;
import io.distill4j.util.NativeSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.Repartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Epochs on a real local[2] Spark through {@link TrainingDriver}: every example is built exactly
 * once per epoch (plus the probe's, built once), nothing stays persisted from one epoch to the
 * next, and a few examples still reach both workers.
 */
@Tag("spark")
class EpochTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static SparkSession spark;
    static JavaSparkContext sc;

    @TempDir
    java.nio.file.Path tmp;

    @BeforeAll
    static void start() {
        NativeSetup.init();
        spark = SparkSessions.start(ConfigLoader.load(null, List.of("spark.master=\"local[2]\"")));
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static SegmentationObjective objective() {
        ModelBlueprint bp = SegmentationModel.blueprint(
                new ModelSpec(Task.SEGMENTATION, "tiny", 4, 1, 4, 19, 16, 32, 3L, ContextHead.NONE, 0.01));
        return SegmentationObjective.of(bp, Map.of(), List.of());
    }

    /** Example {@code i}: a seeded random image and labels at stride 4. */
    static MultiDataSet example(int i) {
        Random rnd = new Random(i);
        float[] labels = new float[4 * 8];
        for (int j = 0; j < labels.length; j++) labels[j] = rnd.nextInt(19);
        Nd4j.getRandom().setSeed(i);
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {Nd4j.rand(DataType.FLOAT, 1, 3, 16, 32)},
                new INDArray[] {Nd4j.create(labels, new long[] {1, labels.length}, 'c')});
    }

    /** What a run did: examples built, persisted RDDs seen before each epoch and after the run, console, metrics. */
    record Outcome(
            long built,
            List<Integer> persistedBeforeEpochs,
            int persistedAfter,
            String console,
            List<JsonNode> lines) {}

    private Outcome train(int records, int epochs, int workers, int batch, int averaging, Repartition repartition)
            throws Exception {
        LongAccumulator built = sc.sc().longAccumulator("built");
        JavaRDD<Integer> ids =
                sc.parallelize(IntStream.range(0, records).boxed().toList(), 2);
        List<Integer> persisted = new ArrayList<>();
        SparkTrainer.BetweenEpochs recorder = new SparkTrainer.BetweenEpochs() {
            @Override
            public void start(int firstEpoch) {}

            @Override
            public Map<String, Double> beforeEpoch(int epoch, ComputationGraph net, EpochData<?> data) {
                persisted.add(sc.getPersistentRDDs().size());
                return Map.of();
            }

            @Override
            public String describe(Map<String, Double> report) {
                return "";
            }
        };
        TrainSettings ts = new TrainSettings(epochs, batch, averaging, workers, 0.01, 3, 0, repartition);
        FileSystem fs = FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
        java.nio.file.Path dir = Files.createTempDirectory(tmp, "run");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TrainingDriver.run(
                sc,
                fs,
                new RunDirectory(fs, new Path(dir.toUri())),
                objective(),
                ts,
                epoch -> EpochData.mapped(ids, i -> {
                    built.add(1);
                    return example(i);
                }),
                false,
                "test",
                new PrintStream(out, true, StandardCharsets.UTF_8),
                recorder);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("metrics.jsonl"))) lines.add(JSON.readTree(l));
        return new Outcome(
                built.value(), persisted, sc.getPersistentRDDs().size(), out.toString(StandardCharsets.UTF_8), lines);
    }

    @Test
    void eachExampleIsBuiltOncePerEpochAndNothingStaysPersisted() throws Exception {
        int before = sc.getPersistentRDDs().size();
        // 10 examples, 2 workers x 2 x 2: two averaging rounds per epoch.
        Outcome o = train(10, 3, 2, 2, 2, Repartition.Always);
        assertEquals(10 * 3 + 2, o.built(), "10 examples x 3 epochs, plus the 2 of the probe built once");
        assertEquals(List.of(before, before, before), o.persistedBeforeEpochs());
        assertEquals(before, o.persistedAfter());
        long epochLines = o.lines().stream()
                .filter(l -> l.path("kind").asText().equals("epoch"))
                .count();
        assertEquals(3, epochLines);
        for (JsonNode l : o.lines()) {
            if (l.path("kind").asText().equals("epoch")) {
                assertEquals(10, l.path("examples").asLong());
                assertTrue(l.path("probe_seconds").asDouble() > 0, l.toString());
            }
        }
    }

    @Test
    void dl4jsOwnSplittingPersistsTheEpochOnlyWhileItTrains() throws Exception {
        int before = sc.getPersistentRDDs().size();
        Outcome o = train(10, 3, 2, 2, 2, Repartition.Never);
        assertEquals(10 * 3 + 2, o.built(), "persisted on memory and disk: no example is built twice in an epoch");
        assertEquals(List.of(before, before, before), o.persistedBeforeEpochs());
        assertEquals(before, o.persistedAfter());
    }

    @Test
    void aFewExamplesStillTrainOnBothWorkers() throws Exception {
        // 4 examples, minibatch 4: DL4J's balanced repartition put all 4 on one worker.
        Outcome o = train(4, 2, 2, 4, 1, Repartition.Always);
        for (int epoch = 1; epoch <= 2; epoch++) {
            Set<String> workers = new HashSet<>();
            for (JsonNode l : o.lines()) {
                if (l.path("kind").asText().equals("iteration")
                        && l.path("epoch").asInt() == epoch)
                    workers.add(l.path("worker").asText());
            }
            assertEquals(2, workers.size(), "epoch " + epoch + " trained on workers " + workers);
        }
        assertTrue(!o.console().contains("idle"), o.console());
    }

    @Test
    void fewerExamplesThanWorkersSaysWhichWorkersSitIdle() throws Exception {
        Outcome o = train(1, 1, 2, 4, 1, Repartition.Always);
        assertTrue(
                o.console()
                        .contains(
                                "1 training examples per epoch for 2 workers (train.workers): 1 worker(s) get no examples"),
                o.console());
    }
}
