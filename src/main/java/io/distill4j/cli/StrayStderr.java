package io.distill4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What library threads print to {@code System.err} on their own goes to the log file, line by line.
 * Scala's default reporter prints the stack trace of a callback that Spark's stopping thread pool
 * rejects while a failed stage shuts down; on the console it would follow the one error line.
 * distill4j's own lines keep the real stderr, which {@link #toLog} returns.
 */
final class StrayStderr extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger("distill4j.stderr");

    private final PrintStream console;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Set while a line is being logged: a logging back end that itself writes to stderr reaches the console. */
    private boolean logging;

    private StrayStderr(PrintStream console) {
        this.console = console;
    }

    /**
     * Points {@code System.err} at the log and returns the console's stderr. The logging back end is
     * started first, so that its console appender keeps the real stderr.
     */
    static PrintStream toLog() {
        PrintStream console = System.err;
        LOG.isInfoEnabled();
        System.setErr(new PrintStream(new StrayStderr(console), true, StandardCharsets.UTF_8));
        return console;
    }

    @Override
    public synchronized void write(int b) {
        if (logging) {
            console.write(b);
            return;
        }
        if (b == '\n') logLine();
        else line.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) write(b[i]);
    }

    private void logLine() {
        String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
        line.reset();
        if (text.isEmpty()) return;
        logging = true;
        try {
            LOG.info("[{}] {}", Thread.currentThread().getName(), text);
        } finally {
            logging = false;
        }
    }
}
