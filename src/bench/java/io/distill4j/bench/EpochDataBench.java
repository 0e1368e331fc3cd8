package io.distill4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.TrainSettings;
import io.distill4j.data.SegmentationLabels;
import io.distill4j.data.ShardRecord;
import io.distill4j.jobs.SparkSessions;
import io.distill4j.model.ContextHead;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.model.ModelSpec;
import io.distill4j.model.SegmentationModel;
import io.distill4j.model.Task;
import io.distill4j.train.EpochData;
import io.distill4j.train.RunDirectory;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.train.TrainingDriver;
import io.distill4j.util.NativeSetup;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.spark.api.Repartition;

/**
 * An epoch's data path on local[2], the two ways {@code SparkTrainer} can run it, in one JVM:
 * {@code rounds} (train.repartition = always: the records shuffled to rounds and workers once per
 * epoch, examples built inside the training task, nothing persisted) and {@code persisted}
 * (train.repartition = never: DL4J's own splitting over the epoch's examples, persisted on memory
 * and disk for the epoch). Synthetic Cityscapes-like records (uint8 image + labels) at the given
 * size, the baseline student (compact, width 4, stride 8). Prints per mode: seconds per epoch
 * (epochs after the first), examples built per epoch, the probe's seconds as a fraction of the
 * epoch, and the process's peak RSS so far (VmHWM; the modes run in this order, so the second's
 * figure includes the first's peak).
 * <pre>
 * java -Xmx6g $(cat target/classes/distill4j-jvm.options) -cp $CP io.distill4j.bench.EpochDataBench [height width [examples [epochs [batch]]]]
 * </pre>
 */
public final class EpochDataBench {
    private EpochDataBench() {}

    public static void main(String[] args) throws Exception {
        int height = args.length > 1 ? Integer.parseInt(args[0]) : 64;
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int examples = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        NativeSetup.init();
        SparkSession spark = SparkSessions.start(ConfigLoader.load(null, List.of("spark.master=\"local[2]\"")));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        try {
            ModelBlueprint bp = SegmentationModel.blueprint(new ModelSpec(
                    Task.SEGMENTATION, "student", 4, 1, 8, 19, height, width, 3L, ContextHead.NONE, 0.01, "compact"));
            SegmentationObjective objective = SegmentationObjective.of(bp, Map.of(), List.of());
            List<ShardRecord> list = new ArrayList<>();
            Random rnd = new Random(1);
            for (int i = 0; i < examples; i++) {
                byte[] image = new byte[3 * height * width], label = new byte[height * width];
                rnd.nextBytes(image);
                for (int j = 0; j < label.length; j++) label[j] = (byte) rnd.nextInt(19);
                list.add(new ShardRecord(
                        "s" + i,
                        "cityscapes",
                        "train",
                        height,
                        width,
                        height,
                        width,
                        image,
                        new SegmentationLabels(label),
                        "synthetic"));
            }
            JavaRDD<ShardRecord> records = sc.parallelize(list, 2);
            System.out.printf(
                    "EpochDataBench %dx%d, %d examples, %d epochs, batch %d per worker, 2 workers, averaging every minibatch%n",
                    height, width, examples, epochs, batch);
            System.out.printf(
                    "%-10s %12s %16s %14s %12s%n", "mode", "s/epoch", "built/epoch", "probe/epoch", "VmHWM MB");
            for (Repartition mode : List.of(Repartition.Always, Repartition.Never)) {
                LongAccumulator built = sc.sc().longAccumulator();
                TrainSettings ts = new TrainSettings(epochs, batch, 1, 2, 0.01, 1, 2, mode);
                java.nio.file.Path dir = Files.createTempDirectory("epoch-bench");
                FileSystem fs = FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
                TrainingDriver.run(
                        sc,
                        fs,
                        new RunDirectory(fs, new Path(dir.toUri())),
                        objective,
                        ts,
                        epoch -> EpochData.mapped(records, r -> {
                            built.add(1);
                            return objective.example(r, Map.of());
                        }),
                        false,
                        "bench",
                        new PrintStream(java.io.OutputStream.nullOutputStream()));
                List<JsonNode> lines = new RunDirectory(fs, new Path(dir.toUri())).metrics();
                double seconds = 0, probe = 0;
                int counted = 0;
                for (JsonNode l : lines) {
                    if (l.path("epoch").asInt() == 1 && lines.size() > 1) continue;
                    seconds += l.path("seconds").asDouble();
                    probe += l.path("probe_seconds").asDouble();
                    counted++;
                }
                System.out.printf(
                        "%-10s %12.2f %16.1f %13.2f%% %12d%n",
                        mode == Repartition.Always ? "rounds" : "persisted",
                        seconds / counted,
                        (built.value() - batch) / (double) epochs,
                        100 * probe / seconds,
                        peakRssMb());
            }
            // The probe's own cost, old way (clone, forward + backward) against new (forward only, in place).
            org.deeplearning4j.nn.graph.ComputationGraph net =
                    new org.deeplearning4j.nn.graph.ComputationGraph(objective.configuration());
            net.init();
            List<org.nd4j.linalg.dataset.api.MultiDataSet> probeList = new ArrayList<>();
            for (int i = 0; i < batch; i++) probeList.add(objective.example(list.get(i), Map.of()));
            org.nd4j.linalg.dataset.api.MultiDataSet probeBatch = org.nd4j.linalg.dataset.MultiDataSet.merge(probeList);
            io.distill4j.train.ScoreProbe probe = new io.distill4j.train.ScoreProbe(probeBatch);
            long[] oldNs = new long[5], newNs = new long[5];
            for (int r = 0; r < 5; r++) {
                long t0 = System.nanoTime();
                org.deeplearning4j.nn.graph.ComputationGraph copy = net.clone();
                copy.setInputs(probeBatch.getFeatures());
                copy.setLabels(probeBatch.getLabels());
                copy.computeGradientAndScore();
                oldNs[r] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                probe.scores(net);
                newNs[r] = System.nanoTime() - t0;
            }
            java.util.Arrays.sort(oldNs);
            java.util.Arrays.sort(newNs);
            System.out.printf(
                    "probe of %d examples on the driver, median of 5: clone + forward + backward %.0f ms, forward only %.0f ms%n",
                    batch, oldNs[2] / 1e6, newNs[2] / 1e6);
        } finally {
            spark.stop();
        }
    }

    /** The process's peak resident set (VmHWM), in MB. */
    static long peakRssMb() throws Exception {
        for (String l : Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("\\D+", "")) / 1024;
        }
        return -1;
    }
}
