package io.distill4j.onnx;

/** An ONNX file that cannot be used as configured; the message names the file and the key to change. */
public final class OnnxModelException extends RuntimeException {
    public OnnxModelException(String message) {
        super(message);
    }

    public OnnxModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
