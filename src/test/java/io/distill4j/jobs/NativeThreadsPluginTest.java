package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distill4j.config.ConfigException;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.util.NativeSetup;
import io.distill4j.util.NativeStatus;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** ND4J's thread counts as Spark task threads read them back, on a real local[2] Spark. */
class NativeThreadsPluginTest {

    @Test
    void taskThreadsRunWithSparkTaskCpusThreads() {
        for (NativeStatus s : statusInTasks(List.of())) {
            assertEquals(1, s.threads(), s.toString());
            assertEquals(1, s.opThreads(), s.toString());
            assertEquals(1, s.blasThreads(), s.toString());
        }
    }

    /** 3 is neither ND4J's forced 4, nor OpenMP's default (processors), nor spark.task.cpus. */
    @Test
    void taskThreadsFollowTheNativeThreadsOverride() {
        for (NativeStatus s : statusInTasks(List.of("spark.native-threads=3"))) {
            assertEquals(3, s.threads(), s.toString());
        }
    }

    @Test
    void executorsGetOmpNumThreadsInTheirEnvironment() {
        org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf(false).set("spark.task.cpus", "2");
        SparkSessions.nativeThreads(conf, 0);
        assertEquals("2", conf.get("spark.executorEnv.OMP_NUM_THREADS"));
        assertEquals("PASSIVE", conf.get("spark.executorEnv.OMP_WAIT_POLICY"));
        assertTrue(conf.get("spark.plugins").contains(NativeThreadsPlugin.class.getName()));
        SparkSessions.nativeThreads(conf.set("spark.executorEnv.OMP_NUM_THREADS", "6"), 0);
        assertEquals("6", conf.get("spark.executorEnv.OMP_NUM_THREADS"), "the user's own setting wins");
        assertEquals(1, conf.get("spark.plugins").split(",").length, "registered once");
    }

    @Test
    void negativeNativeThreadsIsRefusedNamingTheKey() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("spark.native-threads=-1")));
        assertTrue(e.getMessage().contains("distill4j.spark.native-threads"), e.getMessage());
    }

    private static List<NativeStatus> statusInTasks(List<String> overrides) {
        List<String> o = new java.util.ArrayList<>(List.of("spark.master=\"local[2]\""));
        o.addAll(overrides);
        Distill4jConfig config = ConfigLoader.load(null, o);
        NativeSetup.init();
        SparkSession spark = SparkSessions.start(config);
        try {
            List<NativeStatus> seen = new JavaSparkContext(spark.sparkContext())
                    .parallelize(List.of(1, 2, 3, 4), 4)
                    .map(i -> NativeSetup.status())
                    .collect();
            assertEquals(4, seen.size());
            return seen;
        } finally {
            spark.stop();
        }
    }
}
