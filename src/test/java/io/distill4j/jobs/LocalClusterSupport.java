package io.distill4j.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.LocalSparkCluster;

/**
 * Spark's {@code local-cluster[executors,cores,memoryMiB]} master from a plain Maven test JVM: a
 * standalone master and workers inside this JVM that launch every executor as a separate JVM, so
 * closures, broadcasts, models and losses really cross a serialization boundary.
 *
 * <p>A worker launches executors with Spark's launcher, which needs a Spark home. The worker
 * reads it from the {@code SPARK_HOME} environment variable, which a running JVM cannot set, or,
 * when the system property {@code spark.testing} is present, from {@code spark.test.home}: the
 * route Spark's own local-cluster tests take. In that mode the executors also get this JVM's
 * {@code java.class.path} (the whole Maven test class path: Spark, DL4J, the ND4J native jars,
 * target/classes and target/test-classes), so the Spark home only needs the layout the launcher
 * checks: {@code jars/} (may be empty), {@code RELEASE}, and {@code launcher/target/scala-2.12},
 * which stands in for the {@code SPARK_SCALA_VERSION} environment variable.
 */
final class LocalClusterSupport {
    static final int EXECUTORS = 2;
    static final String MASTER = "local-cluster[" + EXECUTORS + ",1,2048]";
    private static final String TESTING = "spark.testing";
    private static final String TEST_HOME = "spark.test.home";

    private LocalClusterSupport() {}

    /** Lays out a minimal Spark home under {@code dir} and points the in-JVM workers at it. */
    static void enter(Path dir) {
        try {
            Files.createDirectories(dir.resolve("jars"));
            Files.createDirectories(dir.resolve("launcher/target/scala-2.12"));
            Files.write(dir.resolve("RELEASE"), new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out a Spark home in " + dir, e);
        }
        System.setProperty(TESTING, "true");
        System.setProperty(TEST_HOME, dir.toString());
    }

    /** Removes the properties again: later test classes in this JVM must see a normal Spark. */
    static void leave() {
        System.clearProperty(TESTING);
        System.clearProperty(TEST_HOME);
    }

    /**
     * Configuration overrides for a local-cluster session whose executors start with the build's
     * Java 17 options plus {@code executorProperties} ({@code -Dkey=value} each). The session waits
     * until every executor has registered, so jobs do not run on whichever started first.
     */
    static String[] overrides(String... executorProperties) {
        return overrides(MASTER, Map.of("spark.cores.max", Integer.toString(EXECUTORS)), executorProperties);
    }

    /**
     * The same for any multi-JVM {@code master} (a standalone master from {@link #standalone}), with
     * {@code spark} settings added to the session's (they must name {@code spark.cores.max}, against
     * which the session waits for its executors).
     */
    static String[] overrides(String master, Map<String, String> spark, String... executorProperties) {
        StringBuilder javaOpts = new StringBuilder(java17Options());
        for (String p : executorProperties) javaOpts.append(" -D").append(p);
        StringBuilder conf = new StringBuilder("spark.conf={"
                + "\"spark.executor.extraJavaOptions\"=\"" + javaOpts.toString().trim() + "\", "
                + "\"spark.executor.memory\"=\"1536m\", "
                + "\"spark.task.maxFailures\"=\"4\", "
                // Standalone waits for registered executors only against an expected core count (spark.cores.max).
                + "\"spark.scheduler.minRegisteredResourcesRatio\"=\"1.0\", "
                + "\"spark.scheduler.maxRegisteredResourcesWaitingTime\"=\"90s\"");
        spark.forEach((k, v) ->
                conf.append(", \"").append(k).append("\"=\"").append(v).append('"'));
        return new String[] {"spark.master=\"" + master + "\"", conf.append('}').toString()};
    }

    /** A standalone master and its worker inside this JVM, at {@code master} (spark://host:port). */
    record Standalone(LocalSparkCluster cluster, String master) implements AutoCloseable {
        @Override
        public void close() {
            cluster.stop();
        }
    }

    /**
     * A standalone master and one worker of {@code cores} cores and {@code memoryMiB} inside this JVM
     * (Spark's {@code LocalSparkCluster}, what a local-cluster master starts), whose executors are
     * separate JVMs; unlike local-cluster, the session sees a {@code spark://} master. Call
     * {@link #enter} first; close it after the session has stopped.
     */
    static Standalone standalone(int cores, int memoryMiB) {
        LocalSparkCluster cluster = LocalSparkCluster.apply(1, cores, memoryMiB, new SparkConf(false));
        return new Standalone(cluster, cluster.start()[0]);
    }

    /**
     * The last lines of every executor's stderr under the Spark home's {@code work/} directory,
     * for assertion messages: an executor JVM that fails to start says why only there.
     */
    static String executorLogs(Path sparkHome) {
        StringBuilder b = new StringBuilder();
        Path workDir = sparkHome.resolve("work");
        if (!Files.isDirectory(workDir)) return "(no executor was launched: " + workDir + " does not exist)";
        try (var files = Files.walk(workDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr"))
                    .sorted()
                    .toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                b.append("\n--- ").append(f).append('\n');
                lines.subList(Math.max(0, lines.size() - 30), lines.size())
                        .forEach(l -> b.append(l).append('\n'));
            }
        } catch (IOException e) {
            b.append("(cannot read ").append(workDir).append(": ").append(e).append(')');
        }
        return b.toString();
    }

    /** The --add-opens list the build writes for the jobs scripts (pom property java17.opens). */
    static String java17Options() {
        try (InputStream in = LocalClusterSupport.class.getResourceAsStream("/distill4j-jvm.options")) {
            if (in == null)
                throw new IllegalStateException("distill4j-jvm.options is not on the class path: run the Maven build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read distill4j-jvm.options", e);
        }
    }
}
