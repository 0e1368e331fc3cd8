package io.distill4j.util;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stage asked libnd4j for more than {@code distill4j.spark.native-memory} allows, as one line that
 * says what to raise. libnd4j refuses such an allocation with its own text, which ND4J M2 throws as a
 * bare {@code RuntimeException("Allocation failed: [Requested amount exceeds HOST device limits;
 * Limit bytes: [L]; Requested bytes: [R]]")} (after retrying with {@code System.gc()}), often from
 * inside a Spark task whose text Spark copies into its own exception (measured, docs/performance.md
 * section 15). An op's output refused the same way (e.g. a concat) comes as
 * {@code ND4JIllegalStateException: Op name ... calculateOutputShape failed to execute}, with that
 * refusal as its cause, so it gets the same line.
 */
public final class NativeMemoryExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The configuration key the line tells the user to raise. */
    public static final String KEY = "distill4j.spark.native-memory";

    /** libnd4j's refusal (DataBuffer::allocatePrimary: device limit on CPU, group limit otherwise). */
    static final Pattern REFUSAL = Pattern.compile(
            "Requested amount exceeds HOST (?:device|group) limits; Limit bytes: \\[(\\d+)\\]; Requested bytes: \\[(\\d+)\\]");

    private NativeMemoryExceeded(String message, Throwable cause) {
        super(message, cause);
    }

    /** The one-line failure when libnd4j's refusal is anywhere in {@code t}'s chain, else empty. */
    public static Optional<NativeMemoryExceeded> in(Throwable t) {
        Matcher m = find(t, 0);
        if (m == null) return Optional.empty();
        return Optional.of(
                new NativeMemoryExceeded(describe(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))), t));
    }

    /** The line for a refused allocation of {@code requested} bytes under a limit of {@code limit} bytes. */
    static String describe(long limit, long requested) {
        return "ND4J native memory limit reached: " + KEY + " = " + size(limit) + " and a further " + size(requested)
                + " array was refused; raise " + KEY
                + " (and spark.executor.memoryOverhead with it, docs/performance.md"
                + " section 15) or lower the stage's batch size";
    }

    private static Matcher find(Throwable t, int depth) {
        for (Throwable c = t; c != null && depth < 64; c = c.getCause(), depth++) {
            if (c.getMessage() != null) {
                Matcher m = REFUSAL.matcher(c.getMessage());
                if (m.find()) return m;
            }
            for (Throwable s : c.getSuppressed()) {
                Matcher m = find(s, depth + 1);
                if (m != null) return m;
            }
            if (c.getCause() == c) break;
        }
        return null;
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return bytes + " bytes";
    }
}
