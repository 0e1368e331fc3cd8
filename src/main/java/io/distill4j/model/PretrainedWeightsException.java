package io.distill4j.model;

/** A pretrained-weights file cannot be loaded into a model (the message names the file and the tensor). */
public final class PretrainedWeightsException extends RuntimeException {
    public PretrainedWeightsException(String message) {
        super(message);
    }

    public PretrainedWeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
