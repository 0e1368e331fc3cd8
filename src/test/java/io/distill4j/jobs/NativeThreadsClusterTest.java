package io.distill4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.Distill4jConfig;
import io.distill4j.util.NativeSetup;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In executor JVMs (local-cluster) tasks run with spark.task.cpus threads and the executor
 * environment SparkSessions sets, although those JVMs never call NativeSetup.init().
 */
@Tag("cluster")
class NativeThreadsClusterTest {

    @Test
    void executorTasksRunWithTaskCpusThreadsAndPassiveOpenMp(@TempDir Path tmp) {
        LocalClusterSupport.enter(tmp.resolve("spark-home"));
        NativeSetup.init();
        Distill4jConfig config = ConfigLoader.load(null, List.of(LocalClusterSupport.overrides()));
        SparkSession spark = SparkSessions.start(config);
        try {
            long driver = ProcessHandle.current().pid();
            List<String> seen = new JavaSparkContext(spark.sparkContext())
                    .parallelize(List.of(1, 2, 3, 4), 4)
                    .map(i -> ProcessHandle.current().pid() + " "
                            + NativeSetup.status().threads() + " "
                            + NativeSetup.status().blasThreads() + " " + System.getenv("OMP_NUM_THREADS") + " "
                            + System.getenv("OMP_WAIT_POLICY"))
                    .collect();
            for (String s : seen) {
                String[] f = s.split(" ");
                assertNotEquals(Long.toString(driver), f[0], "task ran in the driver: " + seen);
                assertEquals(List.of("1", "1", "1", "PASSIVE"), List.of(f[1], f[2], f[3], f[4]), s);
            }
        } finally {
            spark.stop();
            LocalClusterSupport.leave();
        }
    }
}
