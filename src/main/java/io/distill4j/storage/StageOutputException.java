package io.distill4j.storage;

/** A stage's input or output directory is missing, incomplete, or refused (message names it). */
public final class StageOutputException extends RuntimeException {
    public StageOutputException(String message) {
        super(message);
    }

    public StageOutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
