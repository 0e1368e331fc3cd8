package io.distill4j.jobs;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for tests: S3Proxy (path-style, AWS v2/v4 signatures) on 127.0.0.1.
 * It runs as a child JVM with its own classpath because it bundles its own Jetty, which would
 * clash with Spark's on one classpath.
 *
 * <p>Objects live in S3Proxy's in-memory {@code transient} store, whose keys are flat as in S3.
 * Its {@code filesystem} store maps directory-marker keys ({@code dir/}) to real directories and
 * retries deleting a non-empty one ten times with 1 s sleeps: S3A deletes such markers after
 * every write, rename and delete, which made this test take 95 s instead of 35-55 s here
 * (and minutes without {@code fs.s3a.directory.marker.retention=keep}).
 */
final class S3ProxyServer implements AutoCloseable {
    static final String VERSION = "2.1.0";
    static final String RESOLVE_COMMAND = "mvn -B -q dependency:get -Dartifact=org.gaul:s3proxy:" + VERSION
            + ":jar:jar-with-dependencies -Dtransitive=false";
    private static final String JAR = "s3proxy-" + VERSION + "-jar-with-dependencies.jar";

    private final Process process;
    private final Path log;
    private final String endpoint;
    private final String identity;
    private final String credential;

    private S3ProxyServer(Process process, Path log, String endpoint, String identity, String credential) {
        this.process = process;
        this.log = log;
        this.endpoint = endpoint;
        this.identity = identity;
        this.credential = credential;
    }

    /**
     * The self-contained S3Proxy jar: {@code target/s3proxy/} (where the build copies it) or the
     * local Maven repository; empty when neither has it.
     */
    static Optional<Path> findJar() {
        Path copied = Path.of("target", "s3proxy", JAR);
        if (Files.isRegularFile(copied)) return Optional.of(copied.toAbsolutePath());
        String repo = System.getProperty(
                "maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path inRepo = Path.of(repo, "org", "gaul", "s3proxy", VERSION, JAR);
        return Files.isRegularFile(inRepo) ? Optional.of(inRepo) : Optional.empty();
    }

    /** Starts S3Proxy storing its objects under {@code dir} and waits until it accepts connections. */
    static S3ProxyServer start(Path jar, Path dir, String identity, String credential) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        Files.createDirectories(dir);
        Path props = dir.resolve("s3proxy.properties");
        Files.write(
                props,
                List.of(
                        "s3proxy.endpoint=" + endpoint,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + identity,
                        "s3proxy.credential=" + credential,
                        "jclouds.provider=transient"),
                StandardCharsets.UTF_8);
        Path log = dir.resolve("s3proxy.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        jar.toString(),
                        "org.gaul.s3proxy.Main",
                        "--properties",
                        props.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        S3ProxyServer server = new S3ProxyServer(p, log, endpoint, identity, credential);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + p.exitValue() + " before listening on "
                        + endpoint + ":\n" + server.logTail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return server;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    server.close();
                    throw new IllegalStateException(
                            "S3Proxy did not listen on " + endpoint + " within 60 s:\n" + server.logTail());
                }
                Thread.sleep(200);
            }
        }
    }

    String endpoint() {
        return endpoint;
    }

    /** An AWS SDK v1 client (the one hadoop-aws bundles) with path-style access. */
    AmazonS3 client() {
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(identity, credential)))
                .build();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no S3Proxy log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
