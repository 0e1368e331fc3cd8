package io.distill4j.bench;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.data.ShardRecord;
import io.distill4j.model.ModelBlueprint;
import io.distill4j.storage.ShardFiles;
import io.distill4j.storage.Storage;
import io.distill4j.train.Networks;
import io.distill4j.train.SegmentationObjective;
import io.distill4j.util.NativeSetup;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * How much of a training step's resident memory libnd4j's counter (what
 * {@code distill4j.spark.native-memory} limits) sees: the teacher's or the student's plain training
 * step (cross-entropy) on the shards a CityscapesBench run left, batch {@code train.batch-size-per-worker},
 * with a thread sampling the counter, VmRSS and the used heap every 20 ms.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java -Xmx4g $(cat target/classes/distill4j-jvm.options) -cp $CP \
 *     io.distill4j.bench.NativeMemoryBench teacher --conf conf/bench-cityscapes.conf [key=value ...]
 * </pre>
 */
public final class NativeMemoryBench {
    private NativeMemoryBench() {}

    public static void main(String[] args) throws Exception {
        String which = args[0];
        File conf = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--conf")) conf = new File(args[++i]);
            else overrides.add(args[i]);
        }
        Distill4jConfig config = ConfigLoader.load(conf, overrides);
        NativeSetup.init();
        Configuration hadoop = new Configuration();
        FileSystem fs = FileSystem.getLocal(hadoop);
        int h = config.shard().height();
        int w = config.shard().width();
        int batch = config.train().batchSizePerWorker();
        ModelBlueprint bp = which.equals("teacher") ? Networks.teacher(config, h, w) : Networks.student(config, h, w);
        SegmentationObjective objective = SegmentationObjective.of(bp, Map.of(), List.of());
        List<ShardRecord> records = new ArrayList<>();
        for (org.apache.hadoop.fs.Path f :
                ShardFiles.list(fs, Storage.path(config.shard().output()), "train"))
            records.addAll(ShardFiles.read(hadoop, f));
        List<MultiDataSet> examples = new ArrayList<>();
        for (int i = 0; i < batch; i++) examples.add(objective.example(records.get(i % records.size()), Map.of()));
        MultiDataSet mds = org.nd4j.linalg.dataset.MultiDataSet.merge(examples);

        AtomicLong peakCounted = new AtomicLong();
        AtomicLong peakHeap = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakCounted.accumulateAndGet(NativeSetup.nativeMemoryCounted(), Math::max);
                Runtime rt = Runtime.getRuntime();
                peakHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        report(which + " " + h + "x" + w + " batch " + batch + ", batch built", peakCounted, peakHeap);
        ComputationGraph net = new ComputationGraph(objective.configuration());
        net.init();
        objective.initialize(net);
        report("network initialised (" + net.numParams() + " parameters)", peakCounted, peakHeap);
        for (int step = 1; step <= 3; step++) {
            net.fit(mds);
            report("after training step " + step, peakCounted, peakHeap);
        }
        sampler.interrupt();
        System.out.println("load average: " + StudentStepBench.loadAverage());
    }

    private static void report(String what, AtomicLong counted, AtomicLong heap) throws Exception {
        System.out.printf(
                Locale.ROOT,
                "%-48s counted now %6d MB, peak %6d MB | VmRSS %6d MB, VmHWM %6d MB | heap used peak %6d MB%n",
                what,
                NativeSetup.nativeMemoryCounted() >> 20,
                counted.get() >> 20,
                status("VmRSS") >> 10,
                status("VmHWM") >> 10,
                heap.get() >> 20);
    }

    /** A kB field of /proc/self/status. */
    static long status(String field) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith(field + ":")) return Long.parseLong(l.replaceAll("\\D", ""));
        return -1;
    }
}
