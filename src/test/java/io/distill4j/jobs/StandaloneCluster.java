package io.distill4j.jobs;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster as a user runs one, from the project's own jars and no Spark
 * installation: a Master and one Worker, each a child JVM, and applications submitted with
 * {@code org.apache.spark.deploy.SparkSubmit} (what {@code bin/spark-submit} runs) in client mode.
 *
 * <p>The Spark home handed to the worker ({@code SPARK_HOME}, from which it builds each executor's
 * class path) holds in {@code jars/} links to the project's runtime jars <em>except</em> distill4j's
 * own libraries (DL4J, ND4J and its native builds, JavaCPP, Typesafe Config): as on a real cluster,
 * those reach the driver and the executors only inside the shaded application jar, so a class
 * missing from it fails here. {@code SPARK_SCALA_VERSION} stands in for the launcher's build
 * layout, and {@code RELEASE} marks the folder as a Spark distribution.
 */
final class StandaloneCluster implements AutoCloseable {
    static final String SHADED_JAR = "target/distill4j-shaded.jar";
    /** Jars that a Spark distribution does not have and the shaded jar must bring. */
    private static final List<String> APPLICATION_LIBRARIES =
            List.of("/org/deeplearning4j/", "/org/nd4j/", "/org/bytedeco/", "/com/typesafe/config/");

    static final int WORKER_CORES = 2;

    private final Path sparkHome;
    private final Path logs;
    private final int port;
    private final ChildJvm master;
    private final ChildJvm worker;

    private StandaloneCluster(Path sparkHome, Path logs, int port, ChildJvm master, ChildJvm worker) {
        this.sparkHome = sparkHome;
        this.logs = logs;
        this.port = port;
        this.master = master;
        this.worker = worker;
    }

    /** Lays out a Spark home under {@code dir}, starts the master and the worker, and waits until the worker has registered. */
    static StandaloneCluster start(Path dir) throws Exception {
        Path home = layOutSparkHome(dir.resolve("spark-home"));
        Path logs = dir.resolve("logs");
        int port = freePort();
        String cp = home.resolve("jars") + "/*";
        Map<String, String> env = Map.of("SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", "2.12");
        List<String> opts = List.of("-Xmx512m", "-Dspark.ui.enabled=false");
        ChildJvm master = ChildJvm.start(
                "master",
                cp,
                opts,
                "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0"),
                env,
                logs);
        ChildJvm worker = null;
        try {
            master.awaitCondition(
                    "master listening on port " + port, 60, () -> master.log().contains("Starting Spark master at"));
            worker = ChildJvm.start(
                    "worker",
                    cp,
                    opts,
                    "org.apache.spark.deploy.worker.Worker",
                    List.of(
                            "--host",
                            "127.0.0.1",
                            "--webui-port",
                            "0",
                            "--cores",
                            Integer.toString(WORKER_CORES),
                            "--memory",
                            "3g",
                            "--work-dir",
                            home.resolve("work").toString(),
                            "spark://127.0.0.1:" + port),
                    env,
                    logs);
            ChildJvm w = worker;
            worker.awaitCondition(
                    "worker registration", 60, () -> w.log().contains("Successfully registered with master"));
            return new StandaloneCluster(home, logs, port, master, worker);
        } catch (Throwable t) {
            if (worker != null) worker.close();
            master.close();
            throw t;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /**
     * Starts {@code spark-submit --master spark://... --class io.distill4j.cli.Main <shaded jar> appArgs}
     * in client mode, with the Java 17 options the jobs scripts pass, one executor holding all the
     * worker's cores (one JVM to start, and to start again after a kill), and the extra executor
     * system properties given (e.g. fault hooks).
     */
    ChildJvm submit(String name, List<String> executorProperties, List<String> appArgs) {
        Path jar = Path.of(SHADED_JAR).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build it with `mvn -B -o -q -Pshade -DskipTests package` "
                            + "(.ci/run does so before the slow suites)");
        }
        String opens = LocalClusterSupport.java17Options();
        StringBuilder executorOpts = new StringBuilder(opens);
        for (String p : executorProperties) executorOpts.append(" -D").append(p);
        List<String> args = new ArrayList<>(List.of(
                "--master",
                masterUrl(),
                "--deploy-mode",
                "client",
                "--class",
                "io.distill4j.cli.Main",
                "--name",
                name,
                "--executor-memory",
                "1g",
                "--executor-cores",
                Integer.toString(WORKER_CORES),
                "--conf",
                "spark.ui.enabled=false",
                // Executors reach the driver on the loopback address, like master and worker.
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.executor.extraJavaOptions=" + executorOpts,
                "--conf",
                "spark.task.maxFailures=4",
                jar.toString()));
        args.addAll(appArgs);
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        jvm.addAll(List.of(opens.split(" ")));
        return ChildJvm.start(
                name,
                sparkHome.resolve("jars") + "/*",
                jvm,
                "org.apache.spark.deploy.SparkSubmit",
                args,
                Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12"),
                logs);
    }

    /** The executor JVMs the worker runs now. */
    List<ProcessHandle> executors() {
        return worker.process()
                .descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .toList();
    }

    /** Master, worker and the last lines of every executor's stderr, for assertion messages. */
    String logs() {
        return master.tail() + worker.tail() + LocalClusterSupport.executorLogs(sparkHome);
    }

    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            master.close();
        }
    }

    private static Path layOutSparkHome(Path home) throws IOException {
        Path jars = home.resolve("jars");
        Files.createDirectories(jars);
        Files.write(home.resolve("RELEASE"), new byte[0]);
        String cp = Files.readString(Path.of("target/classpath.txt"), StandardCharsets.UTF_8)
                .trim();
        int i = 0;
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            if (APPLICATION_LIBRARIES.stream().anyMatch(entry::contains) || !entry.endsWith(".jar")) continue;
            Path jar = Path.of(entry);
            // Numbered: two artifacts may share a file name.
            Files.createSymbolicLink(jars.resolve(String.format("%03d-%s", i++, jar.getFileName())), jar);
        }
        return home;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
