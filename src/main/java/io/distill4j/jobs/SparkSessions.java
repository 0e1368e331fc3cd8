package io.distill4j.jobs;

import io.distill4j.config.Distill4jConfig;
import io.distill4j.config.SparkSettings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the Spark session every job runs in. Under spark-submit the master and the cluster's
 * settings come from spark-submit and win; the embedded mode (no Spark installation) uses
 * {@code distill4j.spark.master}. Kryo is set up with ND4J's registrator because DL4J ships
 * INDArrays through Spark.
 */
public final class SparkSessions {
    private SparkSessions() {}

    /**
     * JVM properties every driver and executor needs. DL4J's training statistics take their
     * clock from an NTP server by default, which fails on machines without internet access
     * ("Could not successfully query NTP server"); the local clock is what a cluster's
     * synchronised nodes have anyway.
     */
    static final Map<String, String> JVM_PROPERTIES = Map.of(
            org.deeplearning4j.spark.time.TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY,
            org.deeplearning4j.spark.time.SystemClockTimeSource.class.getName(),
            // Executors in other JVMs never run NativeSetup.init(): give them the same oneDNN
            // build and DL4J layer helpers through their start-up options.
            "org.bytedeco.javacpp.platform.extension",
            io.distill4j.util.NativeSetup.ONEDNN_PLATFORM_EXTENSION,
            "org.eclipse.deeplearning4j.helpers.disable",
            "false");

    /**
     * The executors' cap on G1's young generation. ND4J arrays hold native memory that is freed only
     * when the Java objects owning them are collected; with G1's default sizing a multi-gigabyte heap
     * collects its young generation every few seconds to tens of seconds, and a distill task's native
     * memory kept growing over hundreds of iterations. A small young generation collects that garbage
     * within seconds (docs/performance.md section 15, "Long runs"). The launcher gives the local driver
     * the same option.
     */
    static final String YOUNG_GENERATION_CAP = "-XX:MaxNewSize=256m";

    /** {@code options} with {@link #YOUNG_GENERATION_CAP} added, unless they size the young generation themselves. */
    static String withYoungGenerationCap(String options) {
        if (options.contains("NewSize") || options.contains("-Xmn") || options.contains("NewRatio")) return options;
        return (options + " " + YOUNG_GENERATION_CAP).trim();
    }

    public static SparkSession start(Distill4jConfig config) {
        SparkSettings s = config.spark();
        StringBuilder executorOpts = new StringBuilder();
        for (Map.Entry<String, String> p : JVM_PROPERTIES.entrySet()) {
            if (System.getProperty(p.getKey()) == null) System.setProperty(p.getKey(), p.getValue());
            executorOpts.append(" -D").append(p.getKey()).append('=').append(p.getValue());
        }
        // new SparkConf() reads the spark.* system properties that spark-submit sets.
        SparkConf conf = new SparkConf();
        boolean embedded = !conf.contains("spark.master");
        if (embedded) {
            conf.setMaster(s.master());
            conf.set("spark.ui.enabled", Boolean.toString(s.ui()));
            // Local runs need no shuffle service and should not leave files behind.
            conf.setIfMissing("spark.sql.shuffle.partitions", "8");
        }
        conf.setIfMissing("spark.app.name", s.appName());
        if (s.serializer().equals("kryo")) {
            conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
            conf.set("spark.kryo.registrator", Distill4jKryoRegistrator.class.getName());
        } else {
            conf.set("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
        }
        // Large binary columns (images, logits): keep Parquet pages and vectorized batches modest.
        conf.setIfMissing("spark.sql.parquet.columnarReaderBatchSize", "256");
        for (Map.Entry<String, String> e : s.extra().entrySet()) conf.set(e.getKey(), e.getValue());
        nativeThreads(conf, s.nativeThreads());
        conf.set(NativeThreadsPlugin.MEMORY_KEY, Long.toString(s.nativeMemory()));
        conf.set(
                "spark.executor.extraJavaOptions",
                withYoungGenerationCap((conf.get("spark.executor.extraJavaOptions", "") + executorOpts).trim()));
        for (Map.Entry<String, String> e : config.hadoop().entrySet())
            conf.set("spark.hadoop." + e.getKey(), e.getValue());
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /**
     * ND4J/oneDNN threads per task, in one place: the plugin sets them in every task thread, and
     * {@code OMP_NUM_THREADS} in executor JVMs sizes libnd4j's pool, OpenBLAS and OpenMP's default
     * before the first task. {@code OMP_WAIT_POLICY=PASSIVE} makes OpenMP threads sleep instead of
     * spin at barriers: on a loaded or shared node a spinning thread burns the time slice its
     * partner needs (docs/performance.md, "OpenMP wait policy"). A user's own {@code spark.executorEnv.*} wins.
     */
    static void nativeThreads(SparkConf conf, int override) {
        String plugins = conf.get("spark.plugins", "");
        String plugin = NativeThreadsPlugin.class.getName();
        if (!java.util.Arrays.asList(plugins.split(",")).contains(plugin)) {
            conf.set("spark.plugins", plugins.isBlank() ? plugin : plugins + "," + plugin);
        }
        conf.set(NativeThreadsPlugin.THREADS_KEY, Integer.toString(override));
        int perTask = override > 0 ? override : conf.getInt("spark.task.cpus", 1);
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(perTask));
        conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
    }
}
