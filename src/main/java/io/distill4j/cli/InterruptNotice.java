package io.distill4j.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;
import org.apache.hadoop.util.ShutdownHookManager;

/**
 * The line a user reads after Ctrl-C (SIGINT) or a plain kill (SIGTERM) during a stage: what was
 * kept and that rerunning the same command resumes. Without it the JVM ends with nothing from
 * distill4j, or with the SparkException of the job that the shutdown cancelled.
 *
 * <p>The hook runs in Hadoop's shutdown hook manager ahead of Spark's (which stops the
 * SparkContext) and of Hadoop's file-system cache (which closes the file systems), so that what
 * was kept can still be read from the output directories.
 */
final class InterruptNotice implements AutoCloseable {
    /** Above FileSystem (10) and Spark's hook manager (40). */
    static final int PRIORITY = 100;

    private final Runnable hook;
    private volatile boolean finished;

    private InterruptNotice(String command, Supplier<String> kept, PrintWriter err) {
        this.hook = () -> {
            if (finished) return;
            String what;
            try {
                what = kept.get();
            } catch (RuntimeException | LinkageError e) {
                what = "committed outputs are unchanged (what else was kept could not be read: " + e.getMessage() + ")";
            }
            err.println("distill4j " + command + ": interrupted; " + what);
            err.flush();
        };
    }

    /** Watches a running command until {@link #close}. */
    static InterruptNotice watch(String command, Supplier<String> kept, PrintWriter err) {
        InterruptNotice n = new InterruptNotice(command, kept, err);
        ShutdownHookManager.get().addShutdownHook(n.hook, PRIORITY);
        return n;
    }

    /** The command ended by itself (success or error): nothing to announce. */
    @Override
    public void close() {
        // A failure while the JVM shuts down is the job the shutdown cancelled: the hook still has to speak.
        if (shuttingDown()) return;
        finished = true;
        ShutdownHookManager.get().removeShutdownHook(hook);
    }

    /** True while the JVM is shutting down (then the failure a shutdown causes is not the user's error). */
    static boolean shuttingDown() {
        // The JVM refuses new hooks once shutdown has begun: the one reliable probe.
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
