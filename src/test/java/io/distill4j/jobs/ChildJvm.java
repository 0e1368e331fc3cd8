package io.distill4j.jobs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A JVM started by a test (a Spark master, worker, spark-submit or a distill4j driver), its
 * stdout and stderr going to one log file so that a chatty child never blocks on a full pipe.
 * Closing it kills it and everything it started (a worker's executors).
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildJvm start(
            String name,
            String classpath,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Map<String, String> env,
            Path logDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            return new ChildJvm(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", cmd), e);
        }
    }

    /** The project's runtime class path: target/classes plus target/classpath.txt (Maven writes both). */
    static String projectClasspath() {
        try {
            return Path.of("target/classes").toAbsolutePath()
                    + File.pathSeparator
                    + Files.readString(Path.of("target/classpath.txt"), StandardCharsets.UTF_8)
                            .trim();
        } catch (IOException e) {
            throw new UncheckedIOException("target/classpath.txt is missing: run the Maven build", e);
        }
    }

    Process process() {
        return process;
    }

    /** Everything the child printed so far. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last lines of the log, for assertion messages. */
    String tail() {
        List<String> lines = log().lines().toList();
        return "\n--- " + name + " (" + log + ")\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Waits for the child to exit and returns its exit code; fails when it takes longer than {@code seconds}. */
    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            close();
            throw new AssertionError(name + " did not finish within " + seconds + " s" + tail());
        }
        return process.exitValue();
    }

    /** Waits for the child to exit and fails, with the end of its log, unless it exited with 0. */
    void awaitSuccess(long seconds) throws InterruptedException {
        int code = await(seconds);
        if (code != 0) throw new AssertionError(name + " failed with exit code " + code + tail());
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} when the child exits first or time runs out. */
    void awaitCondition(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (!process.isAlive())
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before " + what + tail());
            if (System.nanoTime() > deadline)
                throw new AssertionError("no " + what + " within " + seconds + " s" + tail());
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
