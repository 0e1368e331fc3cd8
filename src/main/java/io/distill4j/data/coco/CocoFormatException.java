package io.distill4j.data.coco;

/** A COCO annotation file that cannot be read: malformed JSON, a missing field, or a dangling id. */
public final class CocoFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String file;

    public CocoFormatException(String file, String detail) {
        this(file, detail, null);
    }

    public CocoFormatException(String file, String detail, Throwable cause) {
        super("COCO file " + file + ": " + detail, cause);
        this.file = file;
    }

    /** The annotation file. */
    public String file() {
        return file;
    }
}
