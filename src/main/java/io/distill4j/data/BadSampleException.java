package io.distill4j.data;

/**
 * One sample cannot be turned into a training record (corrupt image, label of the wrong size,
 * a box outside its image, ...). Carries what an operator needs to find the file: the sample id,
 * the offending file and the reason.
 */
public final class BadSampleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String sampleId;
    private final String file;
    private final String reason;

    public BadSampleException(String sampleId, String file, String reason) {
        this(sampleId, file, reason, null);
    }

    public BadSampleException(String sampleId, String file, String reason, Throwable cause) {
        super("sample " + sampleId + ": file " + file + ": " + reason, cause);
        this.sampleId = sampleId;
        this.file = file;
        this.reason = reason;
    }

    public String sampleId() {
        return sampleId;
    }

    public String file() {
        return file;
    }

    public String reason() {
        return reason;
    }
}
