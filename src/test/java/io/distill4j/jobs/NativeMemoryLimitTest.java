package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.cli.Errors;
import io.distill4j.config.ConfigException;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.util.NativeMemoryExceeded;
import io.distill4j.util.NativeSetup;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL2;

/**
 * distill4j.spark.native-memory: libnd4j refuses an ND4J array past it in the driver and in Spark
 * tasks, and the stage's failure is one line naming the key; under it the same work runs.
 */
class NativeMemoryLimitTest {
    private static final String KEY = "distill4j.spark.native-memory";

    @BeforeAll
    static void init() {
        NativeSetup.init(2, true);
    }

    /** The limit is process-wide: never leave it for the next test in this JVM. */
    @AfterEach
    void noLimit() {
        NativeSetup.limitNativeMemory(0);
    }

    @Test
    void theKeyTakesSizesAndRefusesOthersNamingItself() {
        assertEquals(0L, ConfigLoader.load(null, List.of()).spark().nativeMemory(), "no limit by default");
        assertEquals(
                3L << 30,
                ConfigLoader.load(null, List.of("spark.native-memory=3g"))
                        .spark()
                        .nativeMemory());
        assertEquals(
                512L << 20,
                ConfigLoader.load(null, List.of("spark.native-memory=512m"))
                        .spark()
                        .nativeMemory());
        for (String bad : List.of("spark.native-memory=lots", "spark.native-memory=-1")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of(bad)));
            assertTrue(e.getMessage().startsWith(KEY + ": "), e.getMessage());
        }
    }

    /**
     * What libnd4j counts before a test: earlier tests in this JVM leave arrays that only a
     * collection releases, and some they still hold. Limits below are set above this base.
     */
    private static long settledCount() {
        long count = NativeSetup.nativeMemoryCounted();
        for (int i = 0; i < 20; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = NativeSetup.nativeMemoryCounted();
            if (now >= count && i > 2) break;
            count = now;
        }
        return NativeSetup.nativeMemoryCounted();
    }

    @Test
    void overTheLimitAnArrayIsRefusedAndUnderItTheSameArrayIsMade() {
        long base = settledCount();
        NativeSetup.limitNativeMemory(base + (64L << 20));
        assertEquals(base + (64L << 20), NativeSetup.nativeMemoryLimit());
        try (INDArray under = Nd4j.create(DataType.FLOAT, (32L << 20) / 4)) {
            assertTrue(NativeSetup.nativeMemoryCounted() >= 32L << 20, "counted: " + NativeSetup.nativeMemoryCounted());
            // 32 MiB held + 48 MiB more is past 64 MiB
            RuntimeException e =
                    assertThrows(RuntimeException.class, () -> Nd4j.create(DataType.FLOAT, (48L << 20) / 4));
            assertTrue(
                    e.getMessage().startsWith("Allocation failed: [Requested amount exceeds HOST device limits"),
                    e.getMessage());
            String line = Errors.describe(NativeMemoryExceeded.in(e).orElseThrow());
            assertTrue(line.startsWith("ND4J native memory limit reached: " + KEY + " = "), line);
            assertTrue(
                    line.endsWith(" MiB and a further 48.0 MiB array was refused; raise "
                            + KEY + " (and spark.executor.memoryOverhead with it, docs/performance.md section 15) or "
                            + "lower the stage's batch size"),
                    line);
            if (base == 0) assertTrue(line.contains(" = 64.0 MiB and"), line);
        }
        // freed arrays leave the count: the same 48 MiB fits now
        try (INDArray again = Nd4j.create(DataType.FLOAT, (48L << 20) / 4)) {
            assertEquals(48L << 20, again.length() * 4);
        }
    }

    /**
     * An op whose output is past the limit: ND4J M2 throws {@code ND4JIllegalStateException: Op name
     * concat - no output arrays were provided and calculateOutputShape failed to execute}, with libnd4j's
     * refusal as its cause, which gives the same one line; under the limit the same concat is made.
     */
    @Test
    void anOpOutputPastTheLimitFailsWithTheSameOneLine() {
        long base = settledCount();
        try (INDArray a = Nd4j.create(DataType.FLOAT, (16L << 20) / 4);
                INDArray b = Nd4j.create(DataType.FLOAT, (16L << 20) / 4)) {
            // 32 MiB held, 24 MiB more allowed: the 32 MiB concat output is refused
            NativeSetup.limitNativeMemory(base + (56L << 20));
            RuntimeException e = assertThrows(RuntimeException.class, () -> Nd4j.concat(0, a, b));
            assertTrue(e.getMessage().contains("calculateOutputShape failed"), e.getMessage());
            String line = Errors.describe(NativeMemoryExceeded.in(e).orElseThrow());
            assertTrue(line.startsWith("ND4J native memory limit reached: " + KEY + " = "), line);
            assertTrue(line.contains(" MiB and a further 32.0 MiB array was refused; raise " + KEY), line);
            NativeSetup.limitNativeMemory(base + (80L << 20));
            try (INDArray c = Nd4j.concat(0, a, b)) {
                assertEquals(8L << 20, c.length());
            }
        }
    }

    @Test
    void aNetworkTrainsUnderTheLimitAndFailsOverItWithTheOneLine() {
        ComputationGraph probe = net();
        probe.init();
        long paramBytes = probe.numParams() * 4;
        // Under: parameters, gradients, updater state and the batch fit in 16x the parameters.
        NativeSetup.limitNativeMemory(settledCount() + Math.max(16 * paramBytes, 8L << 20));
        ComputationGraph ok = net();
        ok.init();
        ok.fit(batch());
        // Over: half the parameters cannot even be allocated.
        NativeSetup.limitNativeMemory(paramBytes / 2);
        ComputationGraph tooBig = net();
        RuntimeException e = assertThrows(RuntimeException.class, tooBig::init);
        String line = NativeMemoryExceeded.in(e).orElseThrow().getMessage();
        assertTrue(line.startsWith("ND4J native memory limit reached: " + KEY + " = "), line);
        assertTrue(line.contains("raise " + KEY), line);
    }

    /** In Spark tasks (local[2]: the executor plugin sets the limit), then on the driver as one line. */
    @Test
    void aSparkTaskPastTheLimitFailsTheJobWithOneLineNamingTheKey() {
        // local[2]: the tasks share this JVM's count, so the limit sits 64 MiB above what it holds.
        long limit = settledCount() + (64L << 20);
        Distill4jConfig config =
                ConfigLoader.load(null, List.of("spark.master=\"local[2]\"", "spark.native-memory=" + limit));
        SparkSession spark = SparkSessions.start(config);
        try {
            JavaSparkContext sc = new JavaSparkContext(spark.sparkContext());
            List<Long> limits = sc.parallelize(List.of(1, 2), 2)
                    .map(i -> {
                        try (INDArray a = Nd4j.create(DataType.FLOAT, (16L << 20) / 4)) {
                            return NativeSetup.nativeMemoryLimit();
                        }
                    })
                    .collect();
            assertEquals(List.of(limit, limit), limits, "every task runs under the configured limit");
            Exception e = assertThrows(Exception.class, () -> sc.parallelize(List.of(1), 1)
                    .map(i -> {
                        try (INDArray a = Nd4j.create(DataType.FLOAT, (128L << 20) / 4)) {
                            return a.length();
                        }
                    })
                    .collect());
            String line = Errors.describe(NativeMemoryExceeded.in(e).orElseThrow());
            assertTrue(
                    line.startsWith("ND4J native memory limit reached: " + KEY + " = ")
                            && line.contains(" MiB and a further 128.0 MiB"),
                    line);
            assertEquals(1, line.lines().count());
            // an op's output refused inside a task: the same line through Spark's exception
            Exception op = assertThrows(Exception.class, () -> sc.parallelize(List.of(1), 1)
                    .map(i -> {
                        // 48 MiB held under the 64 MiB limit, the 48 MiB output refused
                        try (INDArray a = Nd4j.create(DataType.FLOAT, (24L << 20) / 4);
                                INDArray b = Nd4j.create(DataType.FLOAT, (24L << 20) / 4);
                                INDArray c = Nd4j.concat(0, a, b)) {
                            return c.length();
                        }
                    })
                    .collect());
            String opLine = Errors.describe(NativeMemoryExceeded.in(op).orElseThrow());
            assertTrue(opLine.contains(" MiB and a further 48.0 MiB array was refused"), opLine);
            assertTrue(
                    java.util.stream.Stream.iterate((Throwable) op, t -> t != null, Throwable::getCause)
                            .anyMatch(t -> String.valueOf(t.getMessage()).contains("calculateOutputShape failed")),
                    "the refusal came as the op's failure");
        } finally {
            spark.stop();
        }
    }

    private static ComputationGraph net() {
        ModelBlueprint teacher = ModelBlueprint.of(ModelSpec.segmentationTeacher(3, 32, 64));
        GraphBuilder graph = teacher.graphBuilder();
        graph.addLayer(
                "out",
                new CnnLossLayer.Builder(new LossL2())
                        .activation(Activation.IDENTITY)
                        .build(),
                teacher.tap("logits").vertexName());
        return new ComputationGraph(graph.setOutputs("out").build());
    }

    private static MultiDataSet batch() {
        return new MultiDataSet(Nd4j.randn(2, 3, 32, 64), Nd4j.randn(2, 3, 4, 8));
    }
}
