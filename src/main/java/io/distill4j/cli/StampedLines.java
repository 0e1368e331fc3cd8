package io.distill4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * The console with a wall-clock time in front of every status line (those starting with "[", such
 * as "[distill] epoch 3/30 ..."), so a user reading a long run sees when each step happened.
 * Tables, blank lines and the report list are left as they are.
 */
final class StampedLines extends OutputStream {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final OutputStream target;
    private final Supplier<LocalTime> clock;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Part of the current line was already written (flushed before its end): no stamp for the rest. */
    private boolean continuing;

    StampedLines(OutputStream target, Supplier<LocalTime> clock) {
        this.target = target;
        this.clock = clock;
    }

    /** {@code out} with stamped status lines. */
    static PrintStream around(PrintStream out) {
        return new PrintStream(new StampedLines(out, LocalTime::now), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n') emit();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) write(b[i]);
    }

    @Override
    public synchronized void flush() throws IOException {
        if (line.size() > 0) emit();
        target.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flush();
        target.close();
    }

    private void emit() throws IOException {
        byte[] bytes = line.toByteArray();
        line.reset();
        if (bytes.length == 0) return;
        if (!continuing && bytes[0] == '[')
            target.write((TIME.format(clock.get()) + " ").getBytes(StandardCharsets.UTF_8));
        target.write(bytes);
        continuing = bytes[bytes.length - 1] != '\n';
    }
}
