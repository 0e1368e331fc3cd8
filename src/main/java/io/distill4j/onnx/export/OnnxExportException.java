package io.distill4j.onnx.export;

/** A graph the exporter cannot write faithfully; the message names the vertex and what is wrong. */
public final class OnnxExportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OnnxExportException(String message) {
        super(message);
    }
}
