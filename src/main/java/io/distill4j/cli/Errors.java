package io.distill4j.cli;

/**
 * Turns an exception from a job into the one line a user needs. Spark wraps task failures in
 * several layers (SparkException, "Job aborted due to stage failure ..."); the useful message is
 * the innermost distill4j exception, or else the innermost cause.
 */
public final class Errors {
    private Errors() {}

    public static String describe(Throwable t) {
        Throwable ours = null;
        Throwable deepest = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getClass().getName().startsWith("io.distill4j.") && ours == null) ours = c;
            deepest = c;
            if (c.getCause() == c) break;
        }
        Throwable chosen = ours != null ? ours : deepest;
        String msg = chosen.getMessage();
        if (msg == null || msg.isBlank()) msg = chosen.getClass().getSimpleName();
        if (ours == null && msg.contains("is not a Parquet file")) {
            // Parquet's reader names the file; the class name (RuntimeException) would tell nothing.
            msg = "corrupt or truncated Parquet file: " + msg;
        } else if (ours == null && !(chosen instanceof java.io.IOException)) {
            msg = chosen.getClass().getSimpleName() + ": " + msg;
        }
        return msg.lines().findFirst().orElse(msg);
    }
}
